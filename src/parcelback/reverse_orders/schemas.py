"""The API's input and output shapes, kept apart: inputs forbid unknown fields (no mass assignment),
outputs name PRODUCT.md's API vocabulary exactly."""
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from ninja.params.functions import Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

ReverseTypeName = Literal["customs_return", "customs_destroy", "intercept_reject", "warehouse_intercept"]
StatusName = Literal[
    "awaiting_instruction", "awaiting_pickup", "awaiting_destruction", "picked_up", "forwarded", "destroyed", "cancelled"
]
PickupMethodName = Literal["self_pickup", "forward"]
ExceptionStateName = Literal["none", "pending", "resolved"]
BusinessModeName = Literal["consignment_sale", "consignment", "pop"]
ExceptionTypeName = Literal[
    "damaged", "lost", "picker_no_show", "undeliverable_address", "overdue", "information_mismatch", "other"
]
# Text never carries NUL (no database stores it); required text has a visible character, as the services demand.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
# 5 to 20 digits, with + - ( ) and spaces between them (batch.PHONE_CHARS).
PHONE = r"^[+\-() ]*(?:[0-9][+\-() ]*){5,20}$"


def text(max_length: int, default: str = "", **kwargs):
    return Field(default, max_length=max_length, pattern=NO_NUL, **kwargs)


def required_text(max_length: int, **kwargs):
    return Field(max_length=max_length, pattern=NOT_BLANK, **kwargs)


NumberItem = Annotated[str, Field(max_length=32, pattern=NO_NUL)]


def order_numbers(description: str = "reverse order numbers; all or nothing"):
    # The size limits are documented here but enforced by the services, which answer empty_batch / batch_too_large.
    return Field(description=description, json_schema_extra={"minItems": 1, "maxItems": 1000})


# An order number in a path: what the database can hold.
OrderNumber = Annotated[str, Path(max_length=32, pattern=NO_NUL)]


class In(BaseModel):
    """Inputs are plain pydantic models: ninja's Schema adds a per-object root validator meant for reading ORM
    objects, which costs ~0.1 ms per nested object (a 1,000-order create has 4,000 of them)."""

    model_config = ConfigDict(extra="forbid")


# --- inputs -------------------------------------------------------------------------------------------


MOMENT = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}, {"type": "string", "maxLength": 0}]}


class ListQuery(Schema):
    """The list page's filters as query parameters; the filterset validates and applies them."""

    tab: Literal["all", "customs_return", "customs_destroy", "intercept_reject", "warehouse_intercept"] | None = None
    reverse_type: Literal["customs_failure", "customs_return", "customs_destroy", "intercept_reject", "warehouse_intercept"] | None = None
    status: StatusName | None = None
    number_type: Literal["number", "sales_return_no", "order_no"] | None = None
    numbers: str | None = Field(None, pattern=NO_NUL, description="one or many numbers, comma or whitespace separated")
    product: str | None = Field(None, pattern=NO_NUL, description="product ID (exact) or name (contains)")
    goods: str | None = Field(None, pattern=NO_NUL, description="goods ID (exact) or name (contains)")
    warehouse: str | None = Field(None, pattern=NO_NUL, description="warehouse code")
    time_field: Literal["created", "updated"] | None = None
    time_from: str | None = Field(None, description="ISO 8601 date or date-time", json_schema_extra=MOMENT)
    time_to: str | None = Field(
        None, description="ISO 8601 date or date-time; a bare date includes that day", json_schema_extra=MOMENT
    )
    pickup_method: PickupMethodName | None = None
    exception_state: ExceptionStateName | None = None
    owner: str | None = Field(None, pattern=NO_NUL, description="cargo owner ID (exact) or name (contains)")
    business_mode: BusinessModeName | None = None
    ordering: Literal["created", "-created", "updated", "-updated", "deadline", "-deadline"] | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, pattern=NO_NUL, description="next_cursor of the previous page")


class SelfPickupIn(In):
    expected_pickup_at: AwareDatetime = Field(description="in the future, with a UTC offset")
    picker_name: str = required_text(80)
    picker_phone: str = Field(max_length=32, pattern=PHONE)


class ForwardIn(In):
    recipient_name: str = required_text(80)
    recipient_phone: str = Field(max_length=32, pattern=PHONE)
    country: str = required_text(60)
    province: str = required_text(60)
    city: str = required_text(60)
    district: str = text(60)
    street: str = required_text(200)
    postcode: str = required_text(20)


class PickupRegistrationIn(In):
    """One method and its details: `self_pickup` with method self_pickup, `forward` with method forward."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"properties": {"method": {"const": m}}, "required": [m], "not": {"required": [other]}}
                for m, other in (("self_pickup", "forward"), ("forward", "self_pickup"))
            ]
        },
    )

    orders: list[NumberItem] = order_numbers()
    method: PickupMethodName
    self_pickup: SelfPickupIn = Field(None)
    forward: ForwardIn = Field(None)
    remark: str = text(300)


class DestructionConfirmationIn(In):
    # `confirm` is documented as required; when it is missing the service answers confirmation_required.
    model_config = ConfigDict(extra="forbid", json_schema_extra={"required": ["orders", "confirm"]})

    orders: list[NumberItem] = order_numbers()
    # Anything but true is refused with confirmation_required (the API's second confirmation).
    confirm: bool = Field(False, description="must be true: destruction is irreversible", json_schema_extra={"const": True})


class ArrivalsIn(In):
    orders: list[NumberItem] = order_numbers()
    arrived_at: AwareDatetime | None = Field(None, description="the inbound scan time; now when omitted")


class HandoverIn(In):
    pickup_code: str = text(20)
    handed_to: str = required_text(80)


class ForwardingIn(In):
    carrier: str = required_text(60)
    tracking_number: str = required_text(64)


class CancelIn(In):
    reason: str = required_text(300)


class RaiseExceptionIn(In):
    type: ExceptionTypeName
    description: str = required_text(2000)


class CommentIn(In):
    body: str = required_text(2000)


class ResolveIn(In):
    note: str = required_text(2000)


class OwnerIn(In):
    id: str = required_text(64)
    name: str = required_text(120)


class LineIn(In):
    product_id: str = required_text(64)
    product_name: str = required_text(200)
    goods_id: str = required_text(64)
    goods_name: str = required_text(200)
    quantity: int = Field(1, ge=1, le=1_000_000)


class NewOrderIn(In):
    external_ref: str = required_text(64, description="your own reference; sending it again returns the same order")
    shop: str = text(40, default=..., description="shop code")
    warehouse: str = text(40, default=..., description="warehouse code (one of yours)")
    reverse_type: ReverseTypeName
    business_mode: BusinessModeName
    owner: OwnerIn
    sales_return_no: str = text(64)
    order_no: str = text(64)
    lines: list[LineIn] = Field(min_length=1)
    inbound_tracking_number: str = text(64)
    reason: str = text(300)


class CreateOrdersIn(In):
    orders: list[NewOrderIn] = order_numbers("up to 1,000 orders; all or nothing")


# --- outputs ------------------------------------------------------------------------------------------


class NamedOut(Schema):
    code: str
    name: str


class OwnerOut(Schema):
    id: str
    name: str


class LineOut(Schema):
    product_id: str
    product_name: str
    goods_id: str
    goods_name: str
    quantity: int


class OrderOut(Schema):
    number: str
    external_ref: str
    sales_return_no: str
    order_no: str
    reverse_type: ReverseTypeName
    status: StatusName
    exception_state: ExceptionStateName
    pickup_method: PickupMethodName | None
    business_mode: BusinessModeName
    shop: NamedOut
    warehouse: NamedOut
    owner: OwnerOut
    lines: list[LineOut]
    inbound_tracking_number: str
    arrived_at: datetime | None
    instruction_deadline: datetime
    days_left: int | None
    created_at: datetime
    updated_at: datetime
    available_actions: list[str] = Field(description="what the caller may do to this order now")


class OrderPage(Schema):
    results: list[OrderOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class RegistrationOut(Schema):
    method: PickupMethodName
    expected_pickup_at: datetime | None
    picker_name: str
    picker_phone: str
    recipient_name: str
    recipient_phone: str
    country: str
    province: str
    city: str
    district: str
    street: str
    postcode: str
    remark: str
    created_at: datetime


class EvidenceOut(Schema):
    name: str
    content_type: str
    size: int


class ExecutionOut(Schema):
    kind: Literal["handover", "forward", "destruction"]
    handed_to: str
    carrier: str
    tracking_number: str
    destroyed_at: datetime | None
    destruction_method: str
    evidence: list[EvidenceOut]
    created_at: datetime


class CommentOut(Schema):
    id: int
    author: str
    body: str
    created_at: datetime


class ExceptionOut(Schema):
    id: int
    type: ExceptionTypeName
    description: str
    is_open: bool
    raised_at: datetime
    resolved_at: datetime | None
    resolution_note: str
    comments: list[CommentOut]


class EventOut(Schema):
    kind: str
    actor: str
    at: datetime
    data: dict


class OrderDetailOut(OrderOut):
    registration: RegistrationOut | None
    destruction_confirmed_at: datetime | None
    execution: ExecutionOut | None
    exceptions: list[ExceptionOut]
    timeline: list[EventOut]


class RefusedOrderOut(Schema):
    order: str
    code: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None
    errors: dict[str, str] | None
    refused: list[RefusedOrderOut]


class NumbersOut(Schema):
    orders: list[str]


class RegisteredOut(Schema):
    orders: list[str]
    pickup_code: str | None = Field(description="self-pickup only: shown once, the picker presents it at handover")


class CreatedOrderOut(Schema):
    external_ref: str
    number: str
    created: bool = Field(description="false when this external_ref already existed")


class CreatedOut(Schema):
    orders: list[CreatedOrderOut]
