"""The merchant's instructions: 登记提货 (self-pickup with a one-time code, or forwarding) and the
irreversible 确认销毁."""
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .. import batch
from ..models import (
    DestructionConfirmation,
    EventKind,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
)
from .pickup_codes import hash_pickup_code, issue_code, new_pickup_code
from .steps import Action, move, record, take, user_id_of


@dataclass(frozen=True)
class Registered:
    orders: list[ReverseOrder]
    pickup_code: str | None  # shown once to the merchant for a self-pickup batch; only its hash is kept


def register_pickup(*, actor: Actor, numbers: list[str], details: batch.PickupDetails) -> Registered:
    """登记提货: one method and one set of details for every order; a self-pickup batch gets one pickup code."""
    now = timezone.now()
    if problems := batch.detail_problems(details, now=now):
        raise Refused(Code.INVALID, field=next(iter(problems)), errors=problems)
    user_id = user_id_of(actor)
    code = new_pickup_code() if details.method == PickupMethod.SELF_PICKUP else None
    with transaction.atomic():
        orders = take(actor, numbers, Action.REGISTER_PICKUP, method=details.method)
        move(orders, Action.REGISTER_PICKUP, now=now, pickup_method=details.method)
        sp, fw = details.self_pickup, details.forward
        fields = {"method": details.method, "remark": details.remark.strip()}
        if sp:
            fields |= {
                "expected_pickup_at": sp.expected_pickup_at,
                "picker_name": sp.picker_name.strip(),
                "picker_phone": sp.picker_phone.strip(),
                "pickup_code_hash": hash_pickup_code(code),
            }
        if fw:
            fields |= {name: str(value).strip() for name, value in vars(fw).items()}
        # The batch shares one issued code: wrong codes tried at handover count against all its orders together.
        issued = issue_code(user_id=user_id, now=now) if code else None
        PickupRegistration.objects.bulk_create(
            PickupRegistration(order=o, registered_by_id=user_id, created_at=now, pickup_code=issued, **fields)
            for o in orders
        )
        shown = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items() if k != "pickup_code_hash"}
        record(orders, EventKind.PICKUP_REGISTERED, actor, shown, now=now)
    return Registered(orders=orders, pickup_code=code)


def confirm_destruction(*, actor: Actor, numbers: list[str], confirm: bool) -> list[ReverseOrder]:
    """确认销毁: irreversible, so it happens only when the second confirmation was given."""
    if not confirm:
        raise Refused(Code.CONFIRMATION_REQUIRED, field="confirm")
    now = timezone.now()
    user_id = user_id_of(actor)
    with transaction.atomic():
        orders = take(actor, numbers, Action.CONFIRM_DESTRUCTION)
        move(orders, Action.CONFIRM_DESTRUCTION, now=now)
        DestructionConfirmation.objects.bulk_create(
            DestructionConfirmation(order=o, confirmed_by_id=user_id, created_at=now) for o in orders
        )
        record(orders, EventKind.DESTRUCTION_CONFIRMED, actor, now=now)
    return orders
