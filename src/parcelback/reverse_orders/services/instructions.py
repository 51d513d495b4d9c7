"""The merchant's instructions: 登记提货 (self-pickup with a one-time code, or forwarding) and the
irreversible 确认销毁."""
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Warehouse
from parcelback.contacts import services as contact_services
from parcelback.contacts.models import Contact
from parcelback.core.errors import Code, Refused

from .. import batch, selectors
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
class WarehouseCode:
    """One warehouse's share of a self-pickup batch split by warehouse: its orders and their one code."""

    warehouse: Warehouse
    pickup_code: str  # shown once; only its hash is kept
    orders: list[ReverseOrder]


@dataclass(frozen=True)
class Registered:
    orders: list[ReverseOrder]
    pickup_code: str | None  # a self-pickup batch in one warehouse: its code, shown once; only its hash is kept
    codes: list[WarehouseCode] = field(default_factory=list)  # every warehouse's code (one entry unless split)


def _locked_plan(actor: Actor, numbers: list[str], method: str, split_by_warehouse: bool) -> batch.Plan:
    """`steps.take`, but a split batch may span warehouses: the orders locked, the whole batch checked."""
    batch.check_size(numbers)
    found = selectors.orders_for_action(actor=actor, numbers=numbers)
    plan = batch.plan(Action.REGISTER_PICKUP, numbers, found, actor.role, method=method, split_by_warehouse=split_by_warehouse)
    if not plan.ok:
        raise batch.refuse(plan)
    return plan


def likely_contact_typos(*, actor: Actor, details: batch.PickupDetails, now: datetime | None = None) -> list:
    """The registration's picker or recipient looks like a slip of a saved contact of the shop's address book (a
    phone one digit away, a saved name with another phone): asked to be confirmed before the irreversible write.
    Nothing when the details have other problems, which are shown first."""
    if batch.detail_problems(details, now=now or timezone.now()):
        return []
    if details.method == PickupMethod.SELF_PICKUP:
        kind, name, phone = Contact.Kind.PICKER, details.self_pickup.picker_name, details.self_pickup.picker_phone
    else:
        kind, name, phone = Contact.Kind.RECIPIENT, details.forward.recipient_name, details.forward.recipient_phone
    return contact_services.likely_typos(actor=actor, kind=kind, name=name, phone=phone)


def register_pickup(
    *, actor: Actor, numbers: list[str], details: batch.PickupDetails, split_by_warehouse: bool = False
) -> Registered:
    """登记提货: one method and one set of details for every order; a self-pickup batch gets one pickup code per
    warehouse (the picker shows it at that warehouse's counter), so it spans warehouses only when split."""
    now = timezone.now()
    if problems := batch.detail_problems(details, now=now):
        raise Refused(Code.INVALID, field=next(iter(problems)), errors=problems)
    user_id = user_id_of(actor)
    self_pickup = details.method == PickupMethod.SELF_PICKUP
    with transaction.atomic():
        plan = _locked_plan(actor, numbers, details.method, split_by_warehouse and self_pickup)
        orders = plan.eligible
        move(orders, Action.REGISTER_PICKUP, now=now, pickup_method=details.method)
        sp, fw = details.self_pickup, details.forward
        fields = {"method": details.method, "remark": details.remark.strip()}
        if sp:
            fields |= {
                "expected_pickup_at": sp.expected_pickup_at,
                "picker_name": sp.picker_name.strip(),
                "picker_phone": sp.picker_phone.strip(),
            }
        if fw:
            fields |= {name: str(value).strip() for name, value in vars(fw).items()}
        codes: list[WarehouseCode] = []
        # Each warehouse's orders share one issued code: wrong codes tried at handover count against them together.
        for group in plan.warehouse_groups if self_pickup else [orders]:
            code = new_pickup_code() if self_pickup else None
            issued = issue_code(user_id=user_id, now=now) if code else None
            hashed = {"pickup_code_hash": hash_pickup_code(code)} if code else {}
            PickupRegistration.objects.bulk_create(
                PickupRegistration(order=o, registered_by_id=user_id, created_at=now, pickup_code=issued, **fields, **hashed)
                for o in group
            )
            if code:
                codes.append(WarehouseCode(warehouse=group[0].warehouse, pickup_code=code, orders=group))
        shown = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items()}
        record(orders, EventKind.PICKUP_REGISTERED, actor, shown, now=now)
    single = codes[0].pickup_code if len(codes) == 1 else None
    return Registered(orders=orders, pickup_code=single, codes=codes)


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
