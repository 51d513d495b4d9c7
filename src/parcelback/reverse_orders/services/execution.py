"""The provider carries the instruction out: handover against the pickup code, forwarding, destruction with
evidence; or cancels an order created in error. A caller's `precondition` (the API's If-Match) is checked on
the order as locked, inside the action's transaction."""
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from ..models import (
    DestructionConfirmation,
    EventKind,
    EvidenceFile,
    ExceptionState,
    Execution,
    PickupRegistration,
    ReverseOrder,
)
from .files import sniffed
from .pickup_codes import check_pickup_code, lock_handover_group
from .steps import Action, move, one, record, user_id_of

# Why a handover deserves a second look; the page asks for a reason before going on, the event keeps both.
HANDED_TO_DIFFERS = "handed_to_differs"
EXCEPTION_OPEN = "exception_open"


def _person(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def handover_warnings(orders: list[ReverseOrder], picker_names: list[str], handed_to: str) -> list[str]:
    """A parcel given to someone other than the registered picker, or while an exception is still open, may be the
    wrong parcel or the wrong person: allowed, but only with a reason on record."""
    warnings = []
    if handed_to and any(name.strip() and _person(name) != _person(handed_to) for name in picker_names):
        warnings.append(HANDED_TO_DIFFERS)
    if any(order.exception_state == ExceptionState.PENDING for order in orders):
        warnings.append(EXCEPTION_OPEN)
    return warnings


def hand_over(
    *, actor: Actor, number: str, pickup_code: str, handed_to: str, whole_registration: bool = False,
    override_reason: str | None = None, precondition: Callable[[ReverseOrder], None] | None = None,
) -> ReverseOrder:
    """The picker presents the pickup code. A wrong code hands nothing over, but the attempt is committed (on the
    timeline, counted towards the lock, once however many orders it was for) before the refusal is raised.

    `whole_registration`: every arrived order of `number`'s registration still awaiting pickup goes with it, under
    the one code. `override_reason`: the caller asks for warnings to be confirmed (the console does): with a warning
    and no reason, nothing happens and nothing is counted; None (the API by default) records the warnings only."""
    # A missing code is a slip, not a guess: refused before anything is counted.
    errors = {name: "required" for name, value in (("pickup_code", pickup_code or ""), ("handed_to", handed_to)) if is_blank(value)}
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        orders = lock_handover_group(actor, number) if whole_registration else [one(actor, number, Action.HAND_OVER)]
        order = orders[0]
        if precondition:
            precondition(order)
        pickers = list(PickupRegistration.objects.filter(order__in=orders).values_list("picker_name", flat=True))
        warnings = handover_warnings(orders, pickers, handed_to)
        if warnings and override_reason is not None and is_blank(override_reason):
            problem = {"override_reason": "override_reason_required"}
            raise Refused(Code.HANDOVER_NEEDS_REASON, field="override_reason", errors=problem)
        refusal = check_pickup_code(actor=actor, order=order, code=pickup_code, handed_to=handed_to, now=now)
        if refusal is None:
            move(orders, Action.HAND_OVER, now=now)
            Execution.objects.bulk_create(
                Execution(order=o, kind=Execution.Kind.HANDOVER, handed_to=handed_to.strip(), executed_by_id=user_id_of(actor), created_at=now)
                for o in orders
            )
            data = {"handed_to": handed_to.strip()}
            if warnings:
                data["warnings"] = warnings
            if override_reason and not is_blank(override_reason):
                data["reason"] = override_reason.strip()
            if len(orders) > 1:
                data["orders"] = [o.number for o in orders]
            record(orders, EventKind.HANDED_OVER, actor, data, now=now)
    if refusal is not None:
        raise refusal  # after the commit: the wrong attempt stays on record, nothing was handed over
    return order


def forward(
    *, actor: Actor, number: str, carrier: str, tracking_number: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> ReverseOrder:
    """The provider shipped the parcel to the registered address."""
    errors = {name: "required" for name, value in (("carrier", carrier), ("tracking_number", tracking_number)) if is_blank(value)}
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.FORWARD)
        if precondition:
            precondition(order)
        move([order], Action.FORWARD, now=now)
        data = {"carrier": carrier.strip(), "tracking_number": tracking_number.strip()}
        Execution.objects.create(order=order, kind=Execution.Kind.FORWARD, executed_by_id=user_id_of(actor), created_at=now, **data)
        record([order], EventKind.FORWARDED, actor, data, now=now)
    return order


def destroy(
    *, actor: Actor, number: str, destroyed_at: datetime | None, method: str, evidence: list,
    precondition: Callable[[ReverseOrder], None] | None = None,
) -> ReverseOrder:
    """The provider destroyed the parcel: when, how, and files that prove it."""
    now = timezone.now()
    errors = {}
    if destroyed_at is None:
        errors["destroyed_at"] = "required"
    elif destroyed_at > now + timedelta(minutes=5):
        errors["destroyed_at"] = "in_future"
    if is_blank(method):
        errors["method"] = "required"
    kinds, problem = sniffed(evidence, required=True)
    if problem:
        errors["evidence"] = problem
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        order = one(actor, number, Action.DESTROY)
        if precondition:
            precondition(order)
        confirmed = DestructionConfirmation.objects.filter(order=order).values_list("created_at", flat=True).first()
        # To the minute: the page's time picker has no seconds, and a destruction right after the go-ahead is fine.
        if confirmed is not None and destroyed_at < confirmed.replace(second=0, microsecond=0):
            # Known only once the order is read; raised inside the transaction, so nothing is written.
            raise Refused(Code.INVALID, field="destroyed_at", errors={"destroyed_at": "before_confirmation"})
        move([order], Action.DESTROY, now=now)
        execution = Execution.objects.create(
            order=order,
            kind=Execution.Kind.DESTRUCTION,
            destroyed_at=destroyed_at,
            destruction_method=method.strip(),
            executed_by_id=user_id_of(actor),
            created_at=now,
        )
        for upload, content_type in zip(evidence, kinds):
            EvidenceFile.objects.create(execution=execution, file=upload, content_type=content_type, size=upload.size)
        data = {"destroyed_at": destroyed_at.isoformat(), "method": method.strip(), "evidence_files": len(evidence)}
        record([order], EventKind.DESTROYED, actor, data, now=now)
    return order


def cancel(*, actor: Actor, number: str, reason: str, precondition: Callable[[ReverseOrder], None] | None = None) -> ReverseOrder:
    """Withdraw an order created in error, before the merchant gave any instruction."""
    if is_blank(reason):
        raise Refused(Code.INVALID, field="reason", errors={"reason": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.CANCEL)
        if precondition:
            precondition(order)
        move([order], Action.CANCEL, now=now)
        record([order], EventKind.CANCELLED, actor, {"reason": reason.strip()}, now=now)
    return order
