"""The API's input and output shapes, kept apart: inputs forbid unknown fields (no mass assignment),
outputs name PRODUCT.md's API vocabulary exactly."""
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from ninja.params.functions import Path
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, TypeAdapter, create_model

from parcelback.accounts.models import Organisation, Warehouse
from parcelback.contacts.rules import PHONE_SHAPE
from parcelback.core.api import NO_NUL, enumeration, examples, required_text, text

from .filters import MomentFilter, ReverseOrderFilter
from .states import Action
from .stats import GROUPS
from .models import (
    CANCEL_REASON_LENGTH,
    PICKUP_CODE_LENGTH,
    AcceptanceState,
    BusinessMode,
    CargoOwner,
    DisputeOutcome,
    ExceptionComment,
    ExceptionState,
    Execution,
    ExecutionAcceptance,
    OrderException,
    OrderLine,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
    ReverseType,
    Status,
    max_length,
)


def one_of(values) -> type:
    """A JSON string enumeration of these values (a `Literal`), in their declared order."""
    return Literal[tuple(str(value) for value in values)]


# The enumerations an integrator sees, each one named component of the OpenAPI document.
ReverseTypeName = enumeration("ReverseType", ReverseType.values)
StatusName = enumeration("Status", Status.values)
PickupMethodName = enumeration("PickupMethod", PickupMethod.values)
ExceptionStateName = enumeration("ExceptionState", ExceptionState.values)
AcceptanceStateName = enumeration("AcceptanceState", AcceptanceState.values)
BusinessModeName = enumeration("BusinessMode", BusinessMode.values)
ExceptionTypeName = enumeration("ExceptionType", OrderException.Type.values)
ExecutionKindName = enumeration("ExecutionKind", Execution.Kind.values)
AcceptanceResultName = enumeration("AcceptanceResult", ExecutionAcceptance.Result.values)
DisputeTypeName = enumeration("DisputeType", ExecutionAcceptance.DisputeType.values)
DisputeOutcomeName = enumeration("DisputeOutcome", DisputeOutcome.values)
ActionName = enumeration("Action", Action)
# A list filter whose choices are one of them is documented as it.
NAMED_CHOICES = {
    tuple(choices.values): name
    for choices, name in (
        (ReverseType, ReverseTypeName), (Status, StatusName), (PickupMethod, PickupMethodName),
        (ExceptionState, ExceptionStateName), (BusinessMode, BusinessModeName), (OrderException.Type, ExceptionTypeName),
    )
}
PHONE_PATTERN = f"^{PHONE_SHAPE}$"

NumberItem = Annotated[str, Field(max_length=max_length(ReverseOrder, "number"), pattern=NO_NUL)]


def order_numbers(description: str = "reverse order numbers; all or nothing"):
    # The size limits are documented here but enforced by the services, which answer empty_batch / batch_too_large.
    return Field(description=description, json_schema_extra={"minItems": 1, "maxItems": 1000})


# An order number in a path: what the database can hold.
OrderNumber = Annotated[str, Path(max_length=max_length(ReverseOrder, "number"), pattern=NO_NUL)]


def column(model, name: str, **kwargs):
    """An optional text input as long as the column it is stored in."""
    return text(max_length(model, name), **kwargs)


def required_column(model, name: str, **kwargs):
    return required_text(max_length(model, name), **kwargs)


class In(BaseModel):
    """Inputs are plain pydantic models: ninja's Schema adds a per-object root validator meant for reading ORM
    objects, which costs ~0.1 ms per nested object (a 1,000-order create has 4,000 of them)."""

    model_config = ConfigDict(extra="forbid")


# --- inputs -------------------------------------------------------------------------------------------


MOMENT = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}, {"type": "string", "maxLength": 0}]}


def _query_field(filter_):
    """A list filter as an optional query parameter: choices as an enumeration, text as text without NUL, moments
    as ISO 8601 text (the filterset parses and validates every value)."""
    description = str(filter_.extra["help_text"]) if filter_.extra.get("help_text") else None
    if isinstance(filter_, MomentFilter):
        return (str | None, Field(None, description=description, json_schema_extra=MOMENT))
    if "choices" in filter_.extra:
        values = tuple(str(value) for value, _label in filter_.extra["choices"])
        return (NAMED_CHOICES.get(values, one_of(values)) | None, Field(None, description=description))
    return (str | None, Field(None, pattern=NO_NUL, description=description))


# The list page's filters as query parameters, taken from the one filterset (which validates and applies them),
# then the keyset page.
ListQuery = create_model(
    "ListQuery",
    __base__=Schema,
    __doc__="The list page's filters as query parameters; the filterset validates and applies them.",
    **{name: _query_field(filter_) for name, filter_ in ReverseOrderFilter.base_filters.items()},
    limit=(int, Field(50, ge=1, le=200)),
    cursor=(str | None, Field(None, pattern=NO_NUL, description="next_cursor of the previous page")),
)


StatsQuery = create_model(
    "StatsQuery",
    __base__=Schema,
    __doc__="The list page's filters, and how to group the orders they select.",
    **{name: _query_field(filter_) for name, filter_ in ReverseOrderFilter.base_filters.items()},
    group_by=(Literal[GROUPS], Field(description="status, reverse_type, warehouse, exception_state, pickup_method, "
                                     "acceptance_state, aging (overdue, due_3d, due_7d, due_15d, later, none), week "
                                     "(ISO week of the time_field's moment, created_at by default; orders without it: "
                                     "none) or dispute_outcome (open, upheld, rejected, compensated; none: not "
                                     "disputed); per warehouse with the warehouse filter")),
)


class StatsBucket(Schema):
    key: str
    label: str = Field(description="in the caller's language")
    count: int


class StatsOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples({
        "group_by": "status", "total": 42, "buckets": [
            {"key": "awaiting_instruction", "label": "待处理", "count": 30},
            {"key": "awaiting_pickup", "label": "包裹待提货", "count": 9},
            {"key": "picked_up", "label": "已提货", "count": 3},
        ],
    }))

    group_by: str
    total: int = Field(description="the list's total for the same filters")
    buckets: list[StatsBucket]


class SelfPickupIn(In):
    expected_pickup_at: AwareDatetime = Field(description="in the future, with a UTC offset")
    picker_name: str = required_column(PickupRegistration, "picker_name")
    picker_phone: str = Field(max_length=max_length(PickupRegistration, "picker_phone"), pattern=PHONE_PATTERN)


class ForwardIn(In):
    recipient_name: str = required_column(PickupRegistration, "recipient_name")
    recipient_phone: str = Field(max_length=max_length(PickupRegistration, "recipient_phone"), pattern=PHONE_PATTERN)
    country: str = required_column(PickupRegistration, "country")
    province: str = required_column(PickupRegistration, "province")
    city: str = required_column(PickupRegistration, "city")
    district: str = column(PickupRegistration, "district")
    street: str = required_column(PickupRegistration, "street")
    postcode: str = required_column(PickupRegistration, "postcode")


class PickupRegistrationIn(In):
    """One method and its details: `self_pickup` with method self_pickup, `forward` with method forward.

    Validated as one model, so a body naming one method and the other's details is refused by the services
    (`required`, `mixed_methods`) exactly as ever; documented as `PickupRegistration`, one named schema per method
    told apart by `method`, so a generated client gets one typed class for each."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        return handler(TypeAdapter(PickupRegistration).core_schema)

    orders: list[NumberItem] = order_numbers()
    method: PickupMethodName
    self_pickup: SelfPickupIn = Field(None)
    forward: ForwardIn = Field(None)
    remark: str = column(PickupRegistration, "remark")
    split_by_warehouse: bool = Field(
        False, description="self_pickup across warehouses: one registration and one pickup code per warehouse "
        "(answered in `pickup_codes`) instead of refusing with mixed_warehouses",
    )
    confirm_contact: bool = Field(
        False, description="true to register although the picker or recipient looks like a slip of a saved contact of "
        "the address book (a phone one digit away, a saved name with another phone); without it such a registration "
        "is refused with confirmation_required and the phone field's problem likely_typo",
    )


def _variant(name: str, method: str, doc: str, example: dict) -> type:
    """The registration body for one method, for the document: its details required, the other method's absent."""
    fields = PickupRegistrationIn.model_fields
    shared = {n: (f.annotation, f) for n, f in fields.items() if n not in ("method", "self_pickup", "forward")}
    return create_model(
        name, __base__=In, __doc__=doc, __cls_kwargs__={"json_schema_extra": examples(example)},
        orders=shared.pop("orders"), method=(Literal[method], ...), **{method: (fields[method].annotation, ...)}, **shared,
    )


SelfPickupRegistration = _variant(
    "SelfPickupRegistration", "self_pickup", "自提: the picker collects the orders at the warehouse.",
    {"orders": ["RV20250601000123", "RV20250601000124"], "method": "self_pickup", "self_pickup": {
        "expected_pickup_at": "2031-03-15T14:00:00+08:00", "picker_name": "陈静", "picker_phone": "13600001111"},
     "remark": "前台取件"},
)
ForwardRegistration = _variant(
    "ForwardRegistration", "forward", "转寄: the warehouse sends the orders to the recipient.",
    {"orders": ["RV20250601000125"], "method": "forward", "forward": {
        "recipient_name": "赵敏", "recipient_phone": "13700002222", "country": "中国", "province": "浙江省",
        "city": "杭州市", "district": "西湖区", "street": "文三路 100 号", "postcode": "310000"}},
)
PickupRegistration = Annotated[SelfPickupRegistration | ForwardRegistration, Field(discriminator="method")]


def _must_be_true(schema: dict) -> None:
    """Documented as required and true (the API's second confirmation); the model keeps the default false, so a
    missing or false `confirm` is refused by the service with confirmation_required, not by validation."""
    schema.pop("default")
    schema["const"] = True


class DestructionConfirmationIn(In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"required": ["orders", "confirm"], **examples({"orders": ["RV20250601000126"], "confirm": True})},
    )

    orders: list[NumberItem] = order_numbers()
    confirm: bool = Field(False, description="must be true: destruction is irreversible", json_schema_extra=_must_be_true)


class ArrivalsIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(
        {"orders": ["RV20250601000123", "RV20250601000124"], "arrived_at": "2025-06-03T09:30:00+09:00"},
    ))

    orders: list[NumberItem] = order_numbers()
    arrived_at: AwareDatetime | None = Field(None, description="the inbound scan time; now when omitted")


class HandoverIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"pickup_code": "48203917", "handed_to": "陈静"}))

    pickup_code: str = text(PICKUP_CODE_LENGTH)
    handed_to: str = required_column(Execution, "handed_to")
    whole_registration: bool = Field(
        False, description="also hand over every other arrived order of the registration awaiting pickup under the same code"
    )
    override_reason: str | None = Field(
        None, max_length=CANCEL_REASON_LENGTH, pattern=NO_NUL,
        description="when given, a handover to someone other than the registered picker or with an open exception "
        "needs it non-blank (else handover_needs_reason); omitted, such warnings are only recorded",
    )


class ForwardingIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"carrier": "顺丰速运", "tracking_number": "SF1400012345678"}))

    carrier: str = required_column(Execution, "carrier")
    tracking_number: str = required_column(Execution, "tracking_number")


class CancelIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"reason": "买家撤回退货申请,商家同意取消"}))

    reason: str = required_text(CANCEL_REASON_LENGTH)


class RaiseExceptionIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(
        {"type": "damaged", "description": "外箱一角压破,内件蒸汽眼罩包装受潮"}
    ))

    type: ExceptionTypeName
    description: str = required_column(OrderException, "description")


class CommentIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"body": "已拍照留存,请商家确认是否仍按自提处理"}))

    body: str = required_column(ExceptionComment, "body")


class ResolveIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(
        {"note": "商家确认内件完好,继续自提"},
        {"note": "仓库补拍销毁视频不清晰,按货值赔付", "outcome": "compensated", "compensation_amount": "120.50",
         "compensation_currency": "CNY"},
    ))

    note: str = required_column(OrderException, "resolution_note")
    outcome: DisputeOutcomeName | None = Field(None, description="how a dispute ended: required for an execution_disputed exception, not allowed for others")
    compensation_amount: str | None = Field(
        None, pattern=r"^\d{1,10}(\.\d{1,2})?$", description='with outcome compensated: a decimal string, e.g. "120.50"'
    )
    compensation_currency: str | None = Field(None, pattern="^[A-Z]{3}$", description="with outcome compensated: ISO 4217, e.g. CNY")


class DisputeIn(In):
    type: DisputeTypeName
    description: str = required_column(ExecutionAcceptance, "description")


class ExecutionAcceptanceIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(
        {"orders": ["RV20250601000123", "RV20250601000124"], "result": "accepted"},
        {"orders": ["RV20250601000126"], "result": "disputed",
         "dispute": {"type": "evidence", "description": "销毁照片看不清单号,请补拍销毁过程视频"}},
    ))

    orders: list[NumberItem] = order_numbers()
    result: AcceptanceResultName
    dispute: DisputeIn | None = Field(None, description="required when result is disputed, not allowed when accepted")


class OwnerIn(In):
    id: str = required_column(CargoOwner, "external_id")
    name: str = required_column(CargoOwner, "name")


class LineIn(In):
    product_id: str = required_column(OrderLine, "product_id")
    product_name: str = required_column(OrderLine, "product_name")
    goods_id: str = required_column(OrderLine, "goods_id")
    goods_name: str = required_column(OrderLine, "goods_name")
    quantity: StrictInt = Field(1, ge=1, le=1_000_000, description="a JSON integer (not true, 1.0 or \"1\")")


class NewOrderIn(In):
    external_ref: str = required_column(
        ReverseOrder, "external_ref", description="your own reference; sending it again returns the same order"
    )
    shop: str = column(Organisation, "code", default=..., description="shop code")
    warehouse: str = column(Warehouse, "code", default=..., description="warehouse code (one of yours)")
    reverse_type: ReverseTypeName
    business_mode: BusinessModeName
    owner: OwnerIn
    sales_return_no: str = column(ReverseOrder, "sales_return_no")
    order_no: str = column(ReverseOrder, "order_no")
    lines: list[LineIn] = Field(min_length=1)
    inbound_tracking_number: str = column(ReverseOrder, "inbound_tracking_number")
    reason: str = column(ReverseOrder, "reason")


class CreateOrdersIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra=examples({"orders": [{
        "external_ref": "SHOP1-RMA-0001", "shop": "shop1", "warehouse": "tokyo", "reverse_type": "customs_return",
        "business_mode": "consignment", "owner": {"id": "OWN-1001", "name": "花王株式会社"},
        "sales_return_no": "SR20250601001", "order_no": "SO20250528001", "inbound_tracking_number": "SF1234567890",
        "reason": "清关失败", "lines": [{"product_id": "P-1001", "product_name": "日本花王 蒸汽眼罩 12片",
                                     "goods_id": "G-1001", "goods_name": "蒸汽眼罩 12片", "quantity": 2}],
    }]}))

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


# What the examples of the answers show: one 海关退货 order of shop1 at the Tokyo warehouse, as its merchant reads it
# (arrived, awaiting instruction), then after a 自提 registration.
_LISTED_ORDER = {
    "number": "RV20250601000123", "external_ref": "SHOP1-RMA-0001", "sales_return_no": "SR20250601001",
    "order_no": "SO20250528001", "reverse_type": "customs_return", "status": "awaiting_instruction",
    "exception_state": "none", "acceptance_state": "none", "pickup_method": None, "business_mode": "consignment",
    "shop": {"code": "shop1", "name": "示例店铺一"}, "warehouse": {"code": "tokyo", "name": "东京集货仓"},
    "owner": {"id": "OWN-1001", "name": "花王株式会社"},
    "lines": [{"product_id": "P-1001", "product_name": "日本花王 蒸汽眼罩 12片", "goods_id": "G-1001",
               "goods_name": "蒸汽眼罩 12片", "quantity": 2}],
    "inbound_tracking_number": "SF1234567890", "arrived_at": "2025-06-02T01:15:00Z",
    "instruction_deadline": "2025-06-16T01:15:00Z", "days_left": 12, "created_at": "2025-06-01T08:30:00Z",
    "updated_at": "2025-06-02T01:15:00Z", "available_actions": ["register_pickup"],
}
_REGISTERED_AT = "2025-06-04T02:00:00Z"
_SELF_PICKUP = {"expected_pickup_at": "2025-06-06T06:00:00Z", "picker_name": "王小明", "picker_phone": "13800000000"}
_REGISTERED_ORDER = _LISTED_ORDER | {
    "status": "awaiting_pickup", "pickup_method": "self_pickup", "days_left": None, "updated_at": _REGISTERED_AT,
    "available_actions": ["reissue_pickup_code"],
    "registration": {"method": "self_pickup", **_SELF_PICKUP, "recipient_name": "", "recipient_phone": "", "country": "",
                     "province": "", "city": "", "district": "", "street": "", "postcode": "", "remark": "前台取件",
                     "created_at": _REGISTERED_AT},
    "destruction_confirmed_at": None, "execution": None, "acceptance": None, "exceptions": [],
    "timeline": [
        {"kind": "created", "actor": "provider1", "at": "2025-06-01T08:30:00Z", "data": {}},
        {"kind": "arrived", "actor": "provider1", "at": "2025-06-02T01:15:00Z",
         "data": {"arrived_at": "2025-06-02T01:15:00+00:00"}},
        {"kind": "pickup_registered", "actor": "merchant1", "at": _REGISTERED_AT,
         "data": {"method": "self_pickup", "remark": "前台取件", **_SELF_PICKUP,
                  "expected_pickup_at": "2025-06-06T06:00:00+00:00"}},
    ],
}


class OrderOut(Schema):
    # OrderDetailOut inherits this config: it declares its own examples, else it would show this one.
    model_config = ConfigDict(json_schema_extra=examples(_LISTED_ORDER))

    number: str
    external_ref: str
    sales_return_no: str
    order_no: str
    reverse_type: ReverseTypeName
    status: StatusName
    exception_state: ExceptionStateName
    acceptance_state: AcceptanceStateName = Field(
        description="the merchant's answer to the execution: pending (待确认) until accepted or disputed; none before it"
    )
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
    available_actions: list[ActionName] = Field(description="what the caller may do to this order now")


class OrderPage(Schema):
    model_config = ConfigDict(json_schema_extra=examples({
        "results": [_LISTED_ORDER],
        "next_cursor": "eyJvIjogWyItY3JlYXRlZF9hdCIsICItaWQiXSwgInYiOiAiMjAyNS0wNi0wMVQwODozMDowMCswMDowMCIsICJpZCI6IDEyM30",
    }))

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
    kind: ExecutionKindName
    handed_to: str
    carrier: str
    tracking_number: str
    destroyed_at: datetime | None
    destruction_method: str
    evidence: list[EvidenceOut]
    created_at: datetime


_COMMENT = {"id": 7, "author": "merchant1", "body": "已拍照留存,请商家确认是否仍按自提处理", "created_at": "2025-06-03T03:20:00Z",
            "files": []}
_EXCEPTION = {
    "id": 3, "type": "damaged", "description": "外箱一角压破,内件蒸汽眼罩包装受潮", "is_open": True,
    "raised_at": "2025-06-03T02:40:00Z", "resolved_at": None, "resolution_note": "", "files": [], "outcome": None,
    "compensation_amount": None, "compensation_currency": None, "comments": [_COMMENT],
}


class CommentOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples(_COMMENT))

    id: int
    author: str
    body: str
    created_at: datetime
    files: list[EvidenceOut] = Field([], description="photos or PDFs attached to the reply")


class ExceptionOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples(_EXCEPTION))

    id: int
    type: ExceptionTypeName
    description: str
    is_open: bool
    raised_at: datetime
    resolved_at: datetime | None
    resolution_note: str
    files: list[EvidenceOut] = Field([], description="photos or PDFs raised with the exception (a dispute's proof)")
    outcome: DisputeOutcomeName | None = Field(None, description="a resolved dispute's outcome")
    compensation_amount: str | None = Field(None, description="a decimal string, with outcome compensated")
    compensation_currency: str | None = None
    comments: list[CommentOut]


class EventOut(Schema):
    kind: str
    actor: str
    at: datetime
    data: dict


class AcceptanceOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples({
        "result": "disputed", "automatic": False, "dispute_type": "evidence",
        "description": "销毁照片看不清单号,请补拍销毁过程视频", "exception_id": 7, "answered_by": "merchant1",
        "created_at": "2025-06-20T03:00:00Z",
    }))

    result: AcceptanceResultName
    automatic: bool = Field(description="accepted by the system after the window without an answer")
    dispute_type: DisputeTypeName | None
    description: str
    exception_id: int | None = Field(description="the exception a dispute opened")
    answered_by: str | None
    created_at: datetime


class OrderDetailOut(OrderOut):
    model_config = ConfigDict(json_schema_extra=examples(_REGISTERED_ORDER))

    registration: RegistrationOut | None
    destruction_confirmed_at: datetime | None
    execution: ExecutionOut | None
    acceptance: AcceptanceOut | None = None
    exceptions: list[ExceptionOut]
    timeline: list[EventOut]


class NumbersOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples({"orders": ["RV20250601000123", "RV20250601000124"]}))

    orders: list[str]


class WarehouseCodeOut(Schema):
    warehouse: NamedOut
    pickup_code: str = Field(description="shown once; opens this warehouse's orders of the batch only")
    orders: list[str]


class RegisteredOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples({
        "orders": ["RV20250601000123"], "pickup_code": "48203917",
        "pickup_codes": [{"warehouse": {"code": "tokyo", "name": "东京集货仓"}, "pickup_code": "48203917",
                          "orders": ["RV20250601000123"]}],
    }))

    orders: list[str]
    pickup_code: str | None = Field(
        description="self-pickup in one warehouse: shown once, the picker presents it at handover (null when split)"
    )
    pickup_codes: list[WarehouseCodeOut] = Field(description="self-pickup: every warehouse's code and its orders")


class PickupCodeOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples({"orders": ["RV20250601000123"], "pickup_code": "73915026"}))

    orders: list[str] = Field(description="every order of the registration still awaiting pickup: all take the new code")
    pickup_code: str = Field(description="shown once; the old code no longer works")


class CreatedOrderOut(Schema):
    external_ref: str
    number: str
    created: bool = Field(description="false when this external_ref already existed")


class CreatedOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples(
        {"orders": [{"external_ref": "SHOP1-RMA-0001", "number": "RV20250601000123", "created": True}]}
    ))

    orders: list[CreatedOrderOut]
