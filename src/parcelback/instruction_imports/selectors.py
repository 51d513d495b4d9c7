"""Reads for instruction imports: the orders a template offers, and an organisation's past imports."""
from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import selectors as order_selectors
from parcelback.reverse_orders.models import Status

from .models import InstructionImport


def awaiting_instruction(*, actor: Actor, params, limit: int) -> list | None:
    """The orders of the list's current view (`params`: its query string) that await an instruction, at most
    `limit`, in the list's order; None when the filters are invalid."""
    filterset = order_selectors.order_list(actor=actor, params=params)
    if not filterset.is_valid():
        return None
    return list(filterset.console_qs.filter(status=Status.AWAITING_INSTRUCTION)[:limit])


def imports_for(*, actor: Actor):
    """The actor's organisation's imports, newest first; nobody else's, and none for an actor without one."""
    if actor.organisation is None:
        return InstructionImport.objects.none()
    return InstructionImport.objects.filter(organisation=actor.organisation).select_related("user")


def instruction_import(*, actor: Actor, import_id: int) -> InstructionImport:
    found = imports_for(actor=actor).filter(pk=import_id).first()
    if found is None:
        raise Refused(Code.NOT_FOUND)
    return found
