"""Self-pickup codes: shown once, kept only as a keyed hash, and not guessable at the counter: five wrong codes
against one issued code lock handover of every order sharing it until the merchant issues a new code.

Attempts are counted per issued code (`PickupCode`), not per order: a self-pickup batch shares one code, so the
limit holds across the batch. The row is locked while an attempt is counted, so racing attempts count one by one.
"""
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .. import batch, selectors, states
from ..models import (
    PICKUP_CODE_MAX_WRONG,
    EventKind,
    PickupCode,
    PickupRegistration,
    ReverseOrder,
    Status,
)
from .steps import Action, move, record, user_id_of

log = logging.getLogger("parcelback.pickup")

PICKUP_CODE_DIGITS = 8


def new_pickup_code() -> str:
    """Eight digits: easy to read out at a counter; with five tries per code a guess succeeds 1 time in 20 million."""
    return f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"


def hash_pickup_code(code: str) -> str:
    """Keyed with the secret key, so a copy of the table cannot be searched; the spaces or dashes a person adds
    when reading the code out do not count."""
    return salted_hmac("parcelback.pickup-code", "".join(code.split()).replace("-", "")).hexdigest()


def issue_code(*, user_id: int, now) -> PickupCode:
    return PickupCode.objects.create(issued_by_id=user_id, created_at=now)


def _issued_code(registration: PickupRegistration) -> PickupCode:
    """The registration's issued code, locked for this transaction (one made now for a registration without one)."""
    if registration.pickup_code_id is None:
        code = issue_code(user_id=registration.registered_by_id, now=registration.created_at)
        PickupRegistration.objects.filter(pk=registration.pk).update(pickup_code=code)
        return code
    codes = PickupCode.objects.filter(pk=registration.pickup_code_id)
    if connection.features.has_select_for_update:
        codes = codes.select_for_update()
    return codes.get()


def _sharing(actor: Actor, code: PickupCode) -> list[str]:
    """The numbers of the orders still waiting for the picker with this code (a batch: several, in one warehouse)."""
    visible = selectors.visible_orders(actor).filter(registration__pickup_code=code, status=Status.AWAITING_PICKUP)
    return list(visible.order_by("pk").values_list("number", flat=True))


def check_pickup_code(*, actor: Actor, order: ReverseOrder, code: str, handed_to: str, now) -> Refused | None:
    """None when `code` opens `order` (locked by the caller). Otherwise the refusal, after writing what the caller
    must commit before raising it: the wrong attempt on the timeline (never the code tried) and, at the fifth, the
    lock, announced once as handover_locked naming every order it holds. Only `order`, already locked, gets rows
    here: touching the batch's other orders could deadlock with a handover waiting on them."""
    registration = PickupRegistration.objects.get(order=order)
    issued = _issued_code(registration)
    if issued.locked_at is not None:
        log.warning("handover refused, pickup code locked: order %s, user %s", order.number, actor.username)
        return Refused(Code.PICKUP_CODE_LOCKED, field="pickup_code")
    if constant_time_compare(registration.pickup_code_hash, hash_pickup_code(code or "")):
        return None
    PickupCode.objects.filter(pk=issued.pk).update(wrong_attempts=F("wrong_attempts") + 1)
    issued.refresh_from_db(fields=["wrong_attempts"])
    attempts = issued.wrong_attempts
    log.warning(
        "pickup code mismatch: order %s, user %s, wrong attempt %s of %s",
        order.number, actor.username, attempts, PICKUP_CODE_MAX_WRONG,
    )
    record([order], EventKind.HANDOVER_REFUSED, actor, {"handed_to": handed_to.strip(), "wrong_attempts": attempts}, now=now)
    if attempts < PICKUP_CODE_MAX_WRONG:
        return Refused(Code.PICKUP_CODE_MISMATCH, field="pickup_code")
    if PickupCode.objects.filter(pk=issued.pk, locked_at__isnull=True).update(locked_at=now):
        data = {"wrong_attempts": attempts, "orders": _sharing(actor, issued)}
        record([order], EventKind.HANDOVER_LOCKED, actor, data, now=now)
        log.warning("pickup code locked after %s wrong attempts: order %s", attempts, order.number)
    return Refused(Code.PICKUP_CODE_LOCKED, field="pickup_code")


def handover_group(*, actor: Actor, order: ReverseOrder) -> list[ReverseOrder]:
    """The arrived orders that can go to the picker with `order`'s code right now (itself among them): what
    "hand over the whole registration" would take."""
    code_id = PickupRegistration.objects.filter(order=order).values_list("pickup_code_id", flat=True).first()
    if code_id is None:
        return [order]
    group = selectors.visible_orders(actor).filter(
        registration__pickup_code_id=code_id, status=Status.AWAITING_PICKUP, arrived_at__isnull=False
    )
    return list(group.order_by("pk").only("number", "exception_state"))


def lock_handover_group(actor: Actor, number: str) -> list[ReverseOrder]:
    """`number` (refused as a single handover would be) first, then the other arrived orders still awaiting pickup
    under the same issued code, all locked in id order like a reissue, so the two queue instead of deadlocking."""
    locked = _lock_registration_group(actor, number)
    plan = batch.plan(Action.HAND_OVER, [number], [o for o in locked if o.number == number], actor.role)
    if not plan.ok:
        raise batch.refuse(plan)
    order = plan.eligible[0]
    code_of = dict(PickupRegistration.objects.filter(order__in=locked).values_list("order_id", "pickup_code_id"))
    current = code_of.get(order.pk)
    others = [
        o for o in locked
        if o.pk != order.pk and current is not None and code_of.get(o.pk) == current
        and states.refusal(Action.HAND_OVER, o, actor.role) is None
    ]
    return [order, *others]


@dataclass(frozen=True)
class Reissued:
    orders: list[ReverseOrder]
    pickup_code: str  # shown once to the merchant; only its hash is kept


class _GroupMoved(Exception):
    """A new code for the batch committed between finding its orders and locking them: look again."""


def _lock_registration_group(actor: Actor, number: str) -> list[ReverseOrder]:
    """`number` and the orders sharing its pickup code, found and locked in one statement, in id order: two
    requests on one batch queue instead of deadlocking, and a code replaced meanwhile cannot split the batch."""
    code = PickupRegistration.objects.filter(order__number=number).values("pickup_code")[:1]
    group = selectors.visible_orders(actor).filter(Q(number=number) | Q(registration__pickup_code=Subquery(code)))
    group = group.select_related(*selectors.LIST_RELATED).order_by("pk")
    if connection.features.has_select_for_update:
        group = group.select_for_update(of=("self",))
    return list(group.prefetch_related("lines"))


def _reissue(actor: Actor, number: str, code: str, precondition, *, user_id: int, now) -> list[ReverseOrder]:
    locked = _lock_registration_group(actor, number)
    plan = batch.plan(Action.REISSUE_PICKUP_CODE, [number], [o for o in locked if o.number == number], actor.role)
    if not plan.ok:
        raise batch.refuse(plan)
    if precondition:
        precondition(plan.eligible[0])
    # Read again under the lock: every order still sharing the code must be among those locked.
    code_of = dict(PickupRegistration.objects.filter(order__in=locked).values_list("order_id", "pickup_code_id"))
    current = code_of[plan.eligible[0].pk]
    orders = [o for o in locked if o.status == Status.AWAITING_PICKUP and code_of.get(o.pk) == current]
    sharing = PickupRegistration.objects.filter(pickup_code_id=current, order__status=Status.AWAITING_PICKUP)
    if current is not None and set(sharing.values_list("order_id", flat=True)) - {o.pk for o in orders}:
        raise _GroupMoved
    move(orders, Action.REISSUE_PICKUP_CODE, now=now)
    issued = issue_code(user_id=user_id, now=now)
    PickupRegistration.objects.filter(order__in=orders).update(pickup_code=issued, pickup_code_hash=hash_pickup_code(code))
    record(orders, EventKind.PICKUP_CODE_REISSUED, actor, now=now)
    return orders


def reissue_pickup_code(
    *, actor: Actor, number: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> Reissued:
    """A new code for every order of `number`'s registration still awaiting pickup (after a lock, or a lost code):
    the old code stops working and its wrong attempts are forgotten. `precondition` (the API's If-Match) is checked
    on `number` as locked."""
    user_id = user_id_of(actor)
    code = new_pickup_code()
    for _ in range(3):
        try:
            with transaction.atomic():
                orders = _reissue(actor, number, code, precondition, user_id=user_id, now=timezone.now())
            break
        except _GroupMoved:
            continue
    else:
        raise Refused(Code.WRONG_STATUS)  # the batch kept changing under us: nothing was written; try again
    log.info("pickup code reissued: orders %s, user %s", ", ".join(o.number for o in orders), actor.username)
    return Reissued(orders=orders, pickup_code=code)
