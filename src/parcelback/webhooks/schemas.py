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


_ENDPOINT = {
    "id": 12, "url": "https://erp.example.com/parcelback/webhooks",
    "event_types": ["reverse_order.arrived", "reverse_order.handed_over"], "description": "ERP 退货同步",
    "is_active": True, "created_at": "2025-06-01T09:00:00Z", "previous_secret_expires_at": None,
}


class EndpointOut(Schema):
    # EndpointCreatedOut inherits this config and declares its own examples (with the secret).
    model_config = ConfigDict(json_schema_extra=examples(_ENDPOINT))

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
    # An obviously fake secret: a real one is whsec_ and 32 random bytes in base64.
    model_config = ConfigDict(json_schema_extra=examples({**_ENDPOINT, "secret": "whsec_EXAMPLEnotARealSecretEXAMPLEnotARealSecret"}))

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
    model_config = ConfigDict(json_schema_extra=examples({
        "id": 5081, "webhook_id": "msg_3f2a9c1e7b6d4e0f8a5c2b1d9e7f6a30", "event_type": "reverse_order.arrived",
        "order_number": "RV20250601000123", "state": "delivered", "attempts": 2, "next_attempt_at": "2025-06-02T01:16:00Z",
        "last_status_code": 200, "delivered_at": "2025-06-02T01:16:01Z", "created_at": "2025-06-02T01:15:00Z",
        "log": [
            {"at": "2025-06-02T01:15:02Z", "status_code": 503, "error": "", "duration_ms": 412},
            {"at": "2025-06-02T01:16:01Z", "status_code": 200, "error": "", "duration_ms": 184},
        ],
    }))

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
