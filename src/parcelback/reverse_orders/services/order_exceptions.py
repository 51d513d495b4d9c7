"""Exceptions (异常) beside the status: raised by the warehouse or the system, discussed by both sides,
resolved with a note. A caller's `precondition` (the API's If-Match) is checked on the order as locked, inside
the action's transaction."""
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from ..models import (
    EventKind,
    ExceptionComment,
    ExceptionState,
    OrderException,
    ReverseOrder,
)
from .steps import Action, one, record, user_id_of


def raise_exception(
    *, actor: Actor, number: str, type: str, description: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> OrderException:
    """The warehouse (or the system, e.g. for an overdue order) reports a problem with a parcel."""
    errors = {}
    if type not in OrderException.Type.values:
        errors["type"] = "invalid_choice"
    if is_blank(description):
        errors["description"] = "required"
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.RAISE_EXCEPTION)
        if precondition:
            precondition(order)
        moved = ReverseOrder.objects.filter(pk=order.pk).exclude(exception_state=ExceptionState.PENDING).update(
            exception_state=ExceptionState.PENDING, updated_at=now
        )
        if moved != 1:
            raise Refused(Code.EXCEPTION_OPEN)
        order.exception_state, order.updated_at = ExceptionState.PENDING, now
        exception = OrderException.objects.create(
            order=order, type=type, description=description.strip(), raised_by_id=actor.user_id, raised_at=now
        )
        record([order], EventKind.EXCEPTION_RAISED, actor, {"exception_id": exception.pk, "type": type, "description": description.strip()}, now=now)
    return exception


def _open_exception(order: ReverseOrder, exception_id: int) -> OrderException:
    exception = order.exceptions.filter(pk=exception_id).first()
    if exception is None:
        raise Refused(Code.NOT_FOUND, field="exception")
    if not exception.is_open:
        raise Refused(Code.EXCEPTION_NOT_OPEN)
    return exception


def comment_exception(
    *, actor: Actor, number: str, exception_id: int, body: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> ExceptionComment:
    """Either side adds to the exception's thread."""
    if is_blank(body):
        raise Refused(Code.INVALID, field="body", errors={"body": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.COMMENT_EXCEPTION)
        if precondition:
            precondition(order)
        exception = _open_exception(order, exception_id)
        comment = ExceptionComment.objects.create(exception=exception, author_id=user_id_of(actor), body=body.strip(), created_at=now)
        ReverseOrder.objects.filter(pk=order.pk).update(updated_at=now)
        order.updated_at = now
        record([order], EventKind.EXCEPTION_COMMENTED, actor, {"exception_id": exception.pk, "body": body.strip()}, now=now)
    return comment


def resolve_exception(
    *, actor: Actor, number: str, exception_id: int, note: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> OrderException:
    """The merchant or provider closes the exception with a note; the order's status is untouched."""
    if is_blank(note):
        raise Refused(Code.INVALID, field="note", errors={"note": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.RESOLVE_EXCEPTION)
        if precondition:
            precondition(order)
        exception = _open_exception(order, exception_id)
        closed = OrderException.objects.filter(pk=exception.pk, is_open=True).update(
            is_open=False, resolved_by_id=user_id_of(actor), resolved_at=now, resolution_note=note.strip()
        )
        if closed != 1:
            raise Refused(Code.EXCEPTION_NOT_OPEN)
        ReverseOrder.objects.filter(pk=order.pk).update(exception_state=ExceptionState.RESOLVED, updated_at=now)
        order.exception_state, order.updated_at = ExceptionState.RESOLVED, now
        record([order], EventKind.EXCEPTION_RESOLVED, actor, {"exception_id": exception.pk, "note": note.strip()}, now=now)
    exception.refresh_from_db()
    return exception
