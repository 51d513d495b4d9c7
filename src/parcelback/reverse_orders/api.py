"""REST endpoints for reverse orders. Thin: parse input, call one selector or service, render."""
from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile
from pydantic import AwareDatetime

from parcelback.accounts.actors import Actor
from parcelback.core.api import (
    ERRORS,
    ApiCode,
    ApiError,
    ErrorOut,
    etag_for,
    if_match_fails,
    refuses,
    rendered,
)
from parcelback.core.errors import Code, Refused
from parcelback.core.pagination import keyset_page

from . import batch, selectors, services, states, stats
from .models import ReverseOrder
from .schemas import (
    ArrivalsIn,
    CancelIn,
    CommentIn,
    CommentOut,
    CreatedOut,
    CreateOrdersIn,
    DestructionConfirmationIn,
    ExceptionOut,
    ExecutionAcceptanceIn,
    ForwardIn,
    ForwardingIn,
    HandoverIn,
    ListQuery,
    NumbersOut,
    OrderDetailOut,
    OrderNumber,
    OrderOut,
    OrderPage,
    PickupCodeOut,
    PickupRegistrationIn,
    RaiseExceptionIn,
    RegisteredOut,
    ResolveIn,
    SelfPickupIn,
    StatsOut,
    StatsQuery,
)
from .serializers import order_data

router = Router(tags=["reverse-orders"])

ERRORS = {**ERRORS, 412: ErrorOut}  # a write to one order refuses a stale If-Match

# How a batch is refused before any order's own rule (`batch.check_size`, `batch.plan`), and how one order is.
BATCH_CODES = (Code.EMPTY_BATCH, Code.BATCH_TOO_LARGE, Code.DUPLICATE_IN_BATCH, Code.NOT_FOUND, Code.BATCH_REFUSED)
ONE_ORDER_CODES = (Code.NOT_FOUND, ApiCode.PRECONDITION_FAILED)


def refuses_action(action: states.Action, *more: Code, batch: bool = False):
    """An order write's refusal codes for the document: its action's rule in `states`, how its orders are
    addressed (a batch, or one order with If-Match), its body's validation, and any `more` its service adds."""
    addressed = BATCH_CODES if batch else ONE_ORDER_CODES
    return refuses(Code.INVALID, *states.refusal_codes(action), *addressed, *more, write=True)


# --- rendering ----------------------------------------------------------------------------------------


def _order(order: "ReverseOrder | selectors.ListedOrder", actor: Actor) -> dict:
    actions = [str(a) for a in states.available_actions(order, actor.role)]
    return order_data(order, iso_times=False) | {"available_actions": actions}


def _file(item) -> dict:
    return {"name": item.file.name.rsplit("/", 1)[-1], "content_type": item.content_type, "size": item.size}


def _comment(comment) -> dict:
    author = comment.author.get_username()
    return {"id": comment.pk, "author": author, "body": comment.body, "created_at": comment.created_at,
            "files": [_file(f) for f in comment.files.all()]}


def _exception(exception) -> dict:
    return {
        "id": exception.pk,
        "type": exception.type,
        "description": exception.description,
        "is_open": exception.is_open,
        "raised_at": exception.raised_at,
        "resolved_at": exception.resolved_at,
        "resolution_note": exception.resolution_note,
        "outcome": exception.outcome or None,
        "compensation_amount": str(exception.compensation_amount) if exception.compensation_amount is not None else None,
        "compensation_currency": exception.compensation_currency or None,
        "files": [_file(f) for f in exception.own_files],
        "comments": [_comment(c) for c in exception.comments.all()],
    }


def _related(order: ReverseOrder, name: str):
    try:
        return getattr(order, name)
    except ObjectDoesNotExist:  # the one-to-one is absent
        return None


def _acceptance(acceptance) -> dict | None:
    if acceptance is None:
        return None
    return {
        "result": acceptance.result, "automatic": acceptance.automatic, "dispute_type": acceptance.dispute_type or None,
        "description": acceptance.description, "exception_id": acceptance.exception_id,
        "answered_by": acceptance.answered_by.get_username() if acceptance.answered_by else None,
        "created_at": acceptance.created_at,
    }


def _detail(order: ReverseOrder, actor: Actor) -> dict:
    registration = _related(order, "registration")
    execution = _related(order, "execution")
    confirmation = _related(order, "destruction_confirmation")
    return _order(order, actor) | {
        "acceptance": _acceptance(_related(order, "acceptance")),
        "registration": vars(registration) if registration else None,
        "destruction_confirmed_at": confirmation.created_at if confirmation else None,
        "execution": (
            vars(execution)
            | {
                "evidence": [_file(e) for e in execution.evidence.all()]
            }
            if execution
            else None
        ),
        "exceptions": [_exception(e) for e in order.exceptions.all()],
        "timeline": [{"kind": e.kind, "actor": e.actor_label, "at": e.at, "data": e.data} for e in order.events.all()],
    }


def _guard(request, number: OrderNumber) -> Callable[[ReverseOrder], None] | None:
    """Honour If-Match on a write to one order: refuse with 412 when the client's copy is stale.

    Looked at first, so a stale copy hears 412 before any refusal of the action itself; and answered as the
    `precondition` the service checks again on the order it locked, so a write landing in between cannot pass."""
    if not request.headers.get("If-Match"):
        return None

    def current(order: ReverseOrder) -> None:
        if if_match_fails(request, etag_for(order)):
            raise ApiError(ApiCode.PRECONDITION_FAILED)

    order = selectors.visible_orders(request.auth).filter(number=number).only("number", "updated_at").first()
    if order is None:
        raise Refused(Code.NOT_FOUND)
    current(order)
    return current


def _changed(order: ReverseOrder, actor: Actor, response: HttpResponse) -> dict:
    """A single-order write answers the order as it is now, with its new ETag for the next If-Match."""
    response["ETag"] = etag_for(order)
    return _order(order, actor)


def _numbers(orders: list[ReverseOrder]) -> dict:
    return {"orders": [o.number for o in orders]}


# --- reads --------------------------------------------------------------------------------------------


def _filtered(request):
    """The list's filterset over the caller's orders, or the filters' problems as one refusal."""
    filterset = selectors.order_list(actor=request.auth, params=request.GET)
    if not filterset.is_valid():
        errors = {name: problems[0].code or "invalid" for name, problems in filterset.form.errors.as_data().items()}
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    return filterset


@router.get(
    "/reverse-orders", operation_id="list_reverse_orders",
    response={200: OrderPage, **ERRORS},
    summary="List reverse orders",
)
@refuses(Code.INVALID)
def list_orders(request, query: Query[ListQuery]):
    """Every filter of the console's list page; keyset pagination with `limit` and `cursor`."""
    filterset = _filtered(request)
    orders, next_cursor = keyset_page(
        filterset.qs, filterset.ordering_fields, limit=query.limit, cursor=query.cursor, fetch=selectors.listed
    )
    return rendered({"results": [_order(o, request.auth) for o in orders], "next_cursor": next_cursor})


@router.get(
    "/reverse-orders/stats", operation_id="reverse_order_stats",
    response={200: StatsOut, **ERRORS},
    summary="Count reverse orders by one grouping",
)
@refuses(Code.INVALID)
def order_stats(request, query: Query[StatsQuery]):
    """Every list filter, then counts per `group_by` bucket; `total` equals the list's count for the same filters."""
    filterset = _filtered(request)
    return stats.counts(filterset=filterset, group_by=query.group_by)


@router.get(
    "/reverse-orders/{number}", operation_id="get_reverse_order",
    response={200: OrderDetailOut, 304: None, **ERRORS},
    summary="One reverse order",
)
@refuses(Code.INVALID, Code.NOT_FOUND)
def get_order(request, number: OrderNumber, response: HttpResponse):
    """Full detail with registration, execution, exceptions and timeline; the `ETag` serves `If-Match`."""
    order = selectors.order_detail(actor=request.auth, number=number)
    response["ETag"] = etag_for(order)
    if request.headers.get("If-None-Match") == response["ETag"]:
        return Status(304, None)
    return _detail(order, request.auth)


# --- the merchant's instructions ----------------------------------------------------------------------


def _in_body(refusal: Refused, method: str) -> Refused:
    """The services name a detail field bare (`picker_phone`); the API names it where it sits in the body."""
    fields = set((SelfPickupIn if method == "self_pickup" else ForwardIn).model_fields)

    def path(name):
        return f"{method}.{name}" if name in fields else name

    errors = {path(name): problem for name, problem in refusal.errors.items()}
    return Refused(refusal.code, field=refusal.field and path(refusal.field), refused=refusal.refused, errors=errors)


@router.post(
    "/pickup-registrations", operation_id="register_pickup", tags=["pickup-registrations"],
    response={201: RegisteredOut, **ERRORS},
    summary="Register pickup (登记提货)",
)
@refuses_action(states.Action.REGISTER_PICKUP, Code.MIXED_WAREHOUSES, Code.CONFIRMATION_REQUIRED, batch=True)
def register_pickup(request, payload: PickupRegistrationIn):
    """One method and one set of details for every listed order; all or nothing."""
    sp, fw = payload.self_pickup, payload.forward
    details = batch.PickupDetails(
        method=payload.method,
        self_pickup=batch.SelfPickupDetails(**sp.model_dump()) if sp else None,
        forward=batch.ForwardDetails(**fw.model_dump()) if fw else None,
        remark=payload.remark,
    )
    try:
        if not payload.confirm_contact and services.likely_contact_typos(actor=request.auth, details=details):
            name = "picker_phone" if payload.method == "self_pickup" else "recipient_phone"
            raise Refused(Code.CONFIRMATION_REQUIRED, field=name, errors={name: "likely_typo"})
        registered = services.register_pickup(
            actor=request.auth, numbers=payload.orders, details=details, split_by_warehouse=payload.split_by_warehouse
        )
    except Refused as refusal:
        raise _in_body(refusal, payload.method) from None
    codes = [
        {"warehouse": {"code": c.warehouse.code, "name": c.warehouse.name}, "pickup_code": c.pickup_code, "orders": _numbers(c.orders)["orders"]}
        for c in registered.codes
    ]
    return Status(201, _numbers(registered.orders) | {"pickup_code": registered.pickup_code, "pickup_codes": codes})


@router.post(
    "/reverse-orders/{number}/pickup-code", operation_id="reissue_pickup_code",
    response={201: PickupCodeOut, **ERRORS},
    summary="Issue a new pickup code",
)
@refuses_action(states.Action.REISSUE_PICKUP_CODE)
def reissue_pickup_code(request, number: OrderNumber):
    """A new self-pickup code for every order of this order's registration still awaiting pickup; the old code
    stops working and a lock after too many wrong codes is lifted."""
    precondition = _guard(request, number)
    reissued = services.reissue_pickup_code(actor=request.auth, number=number, precondition=precondition)
    return Status(201, _numbers(reissued.orders) | {"pickup_code": reissued.pickup_code})


@router.post(
    "/destruction-confirmations", operation_id="confirm_destruction", tags=["destruction-confirmations"],
    response={201: NumbersOut, **ERRORS},
    summary="Confirm destruction (确认销毁)",
)
@refuses_action(states.Action.CONFIRM_DESTRUCTION, Code.CONFIRMATION_REQUIRED, batch=True)
def confirm_destruction(request, payload: DestructionConfirmationIn):
    """Irreversible: without `"confirm": true` nothing happens."""
    orders = services.confirm_destruction(actor=request.auth, numbers=payload.orders, confirm=payload.confirm)
    return Status(201, _numbers(orders))


@router.post(
    "/execution-acceptances", operation_id="answer_executions", tags=["execution-acceptances"],
    response={201: NumbersOut, **ERRORS},
    summary="Confirm or dispute the execution (确认处理结果 / 有异议)",
)
@refuses_action(states.Action.DISPUTE_EXECUTION, *states.refusal_codes(states.Action.ACCEPT_EXECUTION), batch=True)
def answer_executions(request, payload: ExecutionAcceptanceIn):
    """The merchant's one answer to what the warehouse did, for every listed order; all or nothing. `disputed`
    opens an exception per order (type `execution_disputed`) that both sides discuss and resolve with an outcome.
    Unanswered executions are accepted by the system after PARCELBACK_ACCEPTANCE_DAYS (default 7)."""
    dispute = services.Dispute(payload.dispute.type, payload.dispute.description) if payload.dispute else None
    orders = services.answer_executions(actor=request.auth, numbers=payload.orders, result=payload.result, dispute=dispute)
    return Status(201, _numbers(orders))


# --- the provider's side ------------------------------------------------------------------------------


@router.post(
    "/reverse-orders", operation_id="create_reverse_orders",
    response={200: CreatedOut, 201: CreatedOut, **ERRORS},
    summary="Create reverse orders",
)
@refuses(Code.INVALID, Code.NOT_PERMITTED, Code.EMPTY_BATCH, Code.BATCH_TOO_LARGE, write=True)  # no order exists yet
def create_orders(request, payload: CreateOrdersIn):
    """Up to 1,000 orders, all or nothing; an `external_ref` sent before returns the existing order."""
    items = [
        services.NewOrder(
            **item.model_dump(exclude={"owner", "lines"}),
            owner_id=item.owner.id,
            owner_name=item.owner.name,
            lines=[services.NewLine(**line.model_dump()) for line in item.lines],
        )
        for item in payload.orders
    ]
    created = services.create_orders(actor=request.auth, orders=items)
    body = {"orders": [{"external_ref": c.external_ref, "number": c.order.number, "created": c.created} for c in created]}
    return Status((201 if any(c.created for c in created) else 200), body)


@router.post(
    "/arrivals", operation_id="record_arrivals", tags=["arrivals"],
    response={201: NumbersOut, **ERRORS},
    summary="Record arrivals (inbound scan)",
)
@refuses_action(states.Action.RECORD_ARRIVAL, batch=True)
def record_arrivals(request, payload: ArrivalsIn):
    return Status(201, _numbers(services.record_arrival(actor=request.auth, numbers=payload.orders, at=payload.arrived_at)))


@router.post(
    "/reverse-orders/{number}/handover", operation_id="hand_over",
    response={200: OrderOut, **ERRORS},
    summary="Hand over to the picker",
)
@refuses_action(
    states.Action.HAND_OVER, Code.PICKUP_CODE_MISMATCH, Code.PICKUP_CODE_LOCKED, Code.HANDOVER_NEEDS_REASON, Code.BATCH_REFUSED
)
def hand_over(request, number: OrderNumber, payload: HandoverIn, response: HttpResponse):
    precondition = _guard(request, number)
    order = services.hand_over(
        actor=request.auth, number=number, pickup_code=payload.pickup_code, handed_to=payload.handed_to,
        whole_registration=payload.whole_registration, override_reason=payload.override_reason, precondition=precondition,
    )
    return _changed(order, request.auth, response)


@router.post(
    "/reverse-orders/{number}/forwarding", operation_id="forward_order",
    response={200: OrderOut, **ERRORS},
    summary="Record forwarding",
)
@refuses_action(states.Action.FORWARD)
def forward(request, number: OrderNumber, payload: ForwardingIn, response: HttpResponse):
    precondition = _guard(request, number)
    order = services.forward(
        actor=request.auth, number=number, carrier=payload.carrier, tracking_number=payload.tracking_number, precondition=precondition
    )
    return _changed(order, request.auth, response)


DESTRUCTION_FIELDS = {"destroyed_at", "method"}


@router.post(
    "/reverse-orders/{number}/destruction", operation_id="destroy_order",
    response={200: OrderOut, **ERRORS},
    summary="Record destruction",
)
@refuses_action(states.Action.DESTROY)
def destroy(
    request,
    number: OrderNumber,
    destroyed_at: Form[AwareDatetime],
    method: Form[str],
    evidence: File[list[UploadedFile]],
    response: HttpResponse,
):
    """multipart/form-data: `destroyed_at` (ISO 8601), `method`, and one or more `evidence` files (JPEG, PNG,
    WebP or PDF, 10 MB each, at most 10)."""
    if unknown := sorted(set(request.POST) - DESTRUCTION_FIELDS):
        raise Refused(Code.INVALID, field=unknown[0], errors={name: "extra_forbidden" for name in unknown})
    precondition = _guard(request, number)
    order = services.destroy(
        actor=request.auth, number=number, destroyed_at=destroyed_at, method=method, evidence=evidence, precondition=precondition
    )
    return _changed(order, request.auth, response)


@router.post(
    "/reverse-orders/{number}/cancel", operation_id="cancel_order",
    response={200: OrderOut, **ERRORS},
    summary="Cancel an order",
)
@refuses_action(states.Action.CANCEL)
def cancel(request, number: OrderNumber, payload: CancelIn, response: HttpResponse):
    precondition = _guard(request, number)
    order = services.cancel(actor=request.auth, number=number, reason=payload.reason, precondition=precondition)
    return _changed(order, request.auth, response)


# --- exceptions ---------------------------------------------------------------------------------------


@router.post(
    "/reverse-orders/{number}/exceptions", operation_id="raise_exception", tags=["exceptions"],
    response={201: ExceptionOut, **ERRORS},
    summary="Raise an exception",
)
@refuses_action(states.Action.RAISE_EXCEPTION)
def raise_exception(request, number: OrderNumber, payload: RaiseExceptionIn):
    precondition = _guard(request, number)
    exception = services.raise_exception(
        actor=request.auth, number=number, type=payload.type, description=payload.description, precondition=precondition
    )
    return Status(201, _exception(exception))


@router.post(
    "/reverse-orders/{number}/exceptions/{exception_id}/comments", operation_id="comment_exception", tags=["exceptions"],
    response={201: CommentOut, **ERRORS},
    summary="Comment on an exception",
)
@refuses_action(states.Action.COMMENT_EXCEPTION)
def comment_exception(request, number: OrderNumber, exception_id: int, payload: CommentIn):
    precondition = _guard(request, number)
    comment = services.comment_exception(
        actor=request.auth, number=number, exception_id=exception_id, body=payload.body, precondition=precondition
    )
    return Status(201, _comment(comment))


REPLY_FIELDS = {"body"}


@router.post(
    "/reverse-orders/{number}/exceptions/{exception_id}/evidence", operation_id="reply_with_evidence", tags=["exceptions"],
    response={201: CommentOut, **ERRORS},
    summary="Reply on an exception with evidence files",
)
@refuses_action(states.Action.COMMENT_EXCEPTION)
def reply_with_evidence(
    request, number: OrderNumber, exception_id: int, body: Form[str], files: File[list[UploadedFile]]
):
    """multipart/form-data: a reply (`body`) with one or more `files` (JPEG, PNG, WebP or PDF, 10 MB each, at most
    10) — new evidence in a dispute's thread, say; the same as a comment otherwise."""
    if unknown := sorted(set(request.POST) - REPLY_FIELDS):
        raise Refused(Code.INVALID, field=unknown[0], errors={name: "extra_forbidden" for name in unknown})
    precondition = _guard(request, number)
    comment = services.comment_exception(
        actor=request.auth, number=number, exception_id=exception_id, body=body, files=files, precondition=precondition
    )
    return Status(201, _comment(comment))


@router.post(
    "/reverse-orders/{number}/exceptions/{exception_id}/resolve", operation_id="resolve_exception", tags=["exceptions"],
    response={200: ExceptionOut, **ERRORS},
    summary="Resolve an exception",
)
@refuses_action(states.Action.RESOLVE_EXCEPTION)
def resolve_exception(request, number: OrderNumber, exception_id: int, payload: ResolveIn):
    """A dispute of the execution (`execution_disputed`) is resolved with its `outcome`; a compensation with its
    amount and currency."""
    precondition = _guard(request, number)
    outcome = None
    if payload.outcome or payload.compensation_amount or payload.compensation_currency:
        outcome = services.Outcome(
            payload.outcome or "", payload.compensation_amount or "", payload.compensation_currency or ""
        )
    exception = services.resolve_exception(
        actor=request.auth, number=number, exception_id=exception_id, note=payload.note, outcome=outcome,
        precondition=precondition,
    )
    return _exception(exception)
