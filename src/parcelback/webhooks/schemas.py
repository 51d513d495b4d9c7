"""Webhook endpoint API shapes: inputs forbid unknown fields; the secret appears only in the creation answer."""
from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt

from parcelback.core.api import enumeration, examples, text

from .models import EVENT_TYPES, WebhookDelivery

EventTypeName = enumeration("EventType", EVENT_TYPES)
DeliveryStateName = enumeration("DeliveryState", WebhookDelivery.State.values)


class EndpointIn(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({
        "url": "https://erp.example.com/parcelback/webhooks", "description": "ERP 退货同步",
        "event_types": ["reverse_order.arrived", "reverse_order.handed_over"],
    }))

    url: str = Field(max_length=500, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00]+$", description="http(s) URL that receives POSTs")
    event_types: list[EventTypeName] = Field(default_factory=list, description="empty: every event type")
    description: str = text(200)


class EndpointOut(Schema):
    id: int
    url: str
    event_types: list[EventTypeName]
    description: str
    is_active: bool
    created_at: datetime
    previous_secret_expires_at: datetime | None = Field(
        description="after a rotation: until then webhooks carry a signature with the previous secret too"
    )


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="whsec_...: shown only now; verify the webhook-signature header with it")


class RotateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    overlap_hours: StrictInt = Field(24, ge=0, le=168, description="how long the previous secret keeps signing (0: stop now)")


class AttemptOut(Schema):
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    webhook_id: str
    event_type: EventTypeName
    order_number: str
    state: DeliveryStateName
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    delivered_at: datetime | None
    created_at: datetime
    log: list[AttemptOut]
