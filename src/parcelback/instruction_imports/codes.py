"""Pickup codes of an import's registrations, kept sealed for the submitter to see once (in the session, or on
the import when the worker submitted it): long enough to copy or reload, short enough not to linger on a screen;
never stored in plain text."""
import time

from django.db import transaction

from parcelback.accounts.actors import Actor
from parcelback.core.sealing import seal, unseal
from parcelback.reverse_orders import selectors

from .models import InstructionImport

CODE_SEAL = "instruction-import-pickup-codes"
KEEP_SECONDS = 10 * 60


def take_sealed_codes(record: InstructionImport, *, user_id: int) -> dict | None:
    """The worker-submitted import's sealed pickup codes, for its submitter only, once: cleared as they are taken
    (under a row lock, so two pages never both show them); None when there are none, or they have expired."""
    if record.submitter_id != user_id or not record.sealed_codes:
        return None
    with transaction.atomic():
        kept = InstructionImport.objects.select_for_update().filter(pk=record.pk).values_list("sealed_codes", flat=True).first()
        if not kept:
            return None
        InstructionImport.objects.filter(pk=record.pk).update(sealed_codes={})
    return kept if kept.get("until", 0) >= time.time() else None


def sealed_codes(codes: list) -> list[dict]:
    """(group, WarehouseCode) pairs as kept until shown: the orders' numbers and the code sealed, never plain."""
    return [
        {"group": group.index, "numbers": [o.number for o in c.orders], "sealed": seal(c.pickup_code, purpose=CODE_SEAL)}
        for group, c in codes
    ]


def opened_codes(actor: Actor, kept: dict | None) -> list[dict]:
    """Kept sealed codes opened for showing: each with its warehouse and orders (as the actor sees them now)."""
    if not kept:
        return []
    numbers = [n for c in kept["codes"] for n in c["numbers"]]
    by_number = {o.number: o for o in selectors.orders_among(actor=actor, numbers=numbers)}
    groups = []
    for c in kept["codes"]:
        orders = [by_number[n] for n in c["numbers"] if n in by_number]
        if orders:
            groups.append({"warehouse": orders[0].warehouse, "code": unseal(c["sealed"], purpose=CODE_SEAL).decode(),
                           "orders": orders, "group": c["group"]})
    return groups


def forget_expired_codes() -> int:
    """Clear sealed pickup codes nobody came to see in time (the worker's sweep)."""
    return InstructionImport.objects.filter(sealed_codes__until__lt=time.time()).update(sealed_codes={})
