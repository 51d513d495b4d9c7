"""The API's input and output shapes, kept apart: inputs forbid unknown fields (no mass assignment),
outputs name PRODUCT.md's API vocabulary exactly."""
from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

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
Number = Field(max_length=32)


class In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- inputs -------------------------------------------------------------------------------------------


class ListQuery(Schema):
    """The list page's filters as query parameters; the filterset validates and applies them."""

    tab: Literal["all", "customs_return", "customs_destroy", "intercept_reject", "warehouse_intercept"] | None = None
    reverse_type: Literal["customs_failure", "customs_return", "customs_destroy", "intercept_reject", "warehouse_intercept"] | None = None
    status: StatusName | None = None
    number_type: Literal["number", "sales_return_no", "order_no"] | None = None
    numbers: str | None = Field(None, description="one or many numbers, comma or whitespace separated")
    product: str | None = Field(None, description="product ID (exact) or name (contains)")
    goods: str | None = Field(None, description="goods ID (exact) or name (contains)")
    warehouse: str | None = Field(None, description="warehouse code")
    time_field: Literal["created", "updated"] | None = None
    time_from: str | None = Field(None, description="ISO 8601 date or date-time")
    time_to: str | None = Field(None, description="ISO 8601 date or date-time; a bare date includes that day")
    pickup_method: PickupMethodName | None = None
    exception_state: ExceptionStateName | None = None
    owner: str | None = Field(None, description="cargo owner ID (exact) or name (contains)")
    business_mode: BusinessModeName | None = None
    ordering: Literal["created", "-created", "updated", "-updated", "deadline", "-deadline"] | None = None
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, description="next_cursor of the previous page")


class SelfPickupIn(In):
    expected_pickup_at: datetime
    picker_name: str = Field(max_length=80)
    picker_phone: str = Field(max_length=32)


class ForwardIn(In):
    recipient_name: str = Field(max_length=80)
    recipient_phone: str = Field(max_length=32)
    country: str = Field(max_length=60)
    province: str = Field(max_length=60)
    city: str = Field(max_length=60)
    district: str = Field("", max_length=60)
    street: str = Field(max_length=200)
    postcode: str = Field(max_length=20)


class PickupRegistrationIn(In):
    orders: list[str] = Field(description="reverse order numbers; all or nothing")
    method: PickupMethodName
    self_pickup: SelfPickupIn | None = None
    forward: ForwardIn | None = None
    remark: str = Field("", max_length=300)


class DestructionConfirmationIn(In):
    orders: list[str]
    confirm: bool = Field(False, description="must be true: destruction is irreversible")


class ArrivalsIn(In):
    orders: list[str]
    arrived_at: datetime | None = Field(None, description="the inbound scan time; now when omitted")


class HandoverIn(In):
    pickup_code: str = Field(max_length=20)
    handed_to: str = Field(max_length=80)


class ForwardingIn(In):
    carrier: str = Field(max_length=60)
    tracking_number: str = Field(max_length=64)


class CancelIn(In):
    reason: str = Field(max_length=300)


class RaiseExceptionIn(In):
    type: ExceptionTypeName
    description: str = Field(max_length=2000)


class CommentIn(In):
    body: str = Field(max_length=2000)


class ResolveIn(In):
    note: str = Field(max_length=2000)


class OwnerIn(In):
    id: str = Field(max_length=64)
    name: str = Field(max_length=120)


class LineIn(In):
    product_id: str = Field(max_length=64)
    product_name: str = Field(max_length=200)
    goods_id: str = Field(max_length=64)
    goods_name: str = Field(max_length=200)
    quantity: int = Field(1, ge=1, le=1_000_000)


class NewOrderIn(In):
    external_ref: str = Field(max_length=64, description="your own reference; sending it again returns the same order")
    shop: str = Field(max_length=40, description="shop code")
    warehouse: str = Field(max_length=40, description="warehouse code (one of yours)")
    reverse_type: ReverseTypeName
    business_mode: BusinessModeName
    owner: OwnerIn
    sales_return_no: str = Field("", max_length=64)
    order_no: str = Field("", max_length=64)
    lines: list[LineIn]
    inbound_tracking_number: str = Field("", max_length=64)
    reason: str = Field("", max_length=300)


class CreateOrdersIn(In):
    orders: list[NewOrderIn] = Field(description="up to 1,000 orders; all or nothing")


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
