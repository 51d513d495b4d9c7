"""Webhook endpoint API shapes: inputs forbid unknown fields; the secret appears only in the creation answer."""
from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from parcelback.reverse_orders.schemas import text

EventTypeName = Literal[
    "reverse_order.created",
    "reverse_order.arrived",
    "reverse_order.pickup_registered",
    "reverse_order.destruction_confirmed",
    "reverse_order.handed_over",
    "reverse_order.forwarded",
    "reverse_order.destroyed",
    "reverse_order.cancelled",
    "reverse_order.deadline_near",
    "reverse_order.overdue",
    "exception.raised",
    "exception.commented",
    "exception.resolved",
]


class EndpointIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=500, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00]+$", description="http(s) URL that receives POSTs")
    event_types: list[EventTypeName] = Field(default_factory=list, description="empty: every event type")
    description: str = text(200)


class EndpointOut(Schema):
    id: int
    url: str
    event_types: list[str]
    description: str
    is_active: bool
    created_at: datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="whsec_...: shown only now; verify the webhook-signature header with it")


class AttemptOut(Schema):
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    webhook_id: str
    event_type: str
    order_number: str
    state: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    delivered_at: datetime | None
    created_at: datetime
    log: list[AttemptOut]
