"""Exceptions (异常) beside the status: raised by the warehouse, the system, or the merchant (on an open order; after
execution a dispute opens one, `acceptance`), discussed by both sides, resolved with a note — and a dispute with its
outcome. A caller's `precondition` (the API's If-Match) is checked on the order as locked, inside
the action's transaction."""
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from ..models import (
    DisputeOutcome,
    EventKind,
    ExceptionComment,
    ExceptionFile,
    ExceptionState,
    OrderException,
    ReverseOrder,
)
from .files import sniffed
from .steps import Action, one, record, user_id_of

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000000")  # the column's 12 digits, 2 after the point
CURRENCY = re.compile(r"[A-Z]{3}")


def raise_exception(
    *, actor: Actor, number: str, type: str, description: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> OrderException:
    """The warehouse (or the system, e.g. for an overdue order) reports a problem with a parcel."""
    errors = {}
    # A dispute of an execution is opened by the merchant's answer (`acceptance`), never raised by hand.
    if type not in OrderException.Type.values or type == OrderException.Type.EXECUTION_DISPUTED:
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


def attach(exception: OrderException, files, kinds, *, comment: ExceptionComment | None = None, now) -> None:
    """Keep checked uploads (`files.sniffed`) in the exception's thread, on a reply or on the exception itself."""
    ExceptionFile.objects.bulk_create(
        ExceptionFile(exception=exception, comment=comment, file=upload, content_type=kind, size=upload.size, created_at=now)
        for upload, kind in zip(files, kinds)
    )


def _open_exception(order: ReverseOrder, exception_id: int) -> OrderException:
    exception = order.exceptions.filter(pk=exception_id).first()
    if exception is None:
        raise Refused(Code.NOT_FOUND, field="exception")
    if not exception.is_open:
        raise Refused(Code.EXCEPTION_NOT_OPEN)
    return exception


def comment_exception(
    *, actor: Actor, number: str, exception_id: int, body: str, files=(),
    precondition: Callable[[ReverseOrder], None] | None = None,
) -> ExceptionComment:
    """Either side adds to the exception's thread, with photos or PDFs (new evidence) if it has them."""
    kinds, problem = sniffed(files, required=False)
    errors = {"body": "required"} if is_blank(body) else {}
    if problem:
        errors["files"] = problem
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.COMMENT_EXCEPTION)
        if precondition:
            precondition(order)
        exception = _open_exception(order, exception_id)
        comment = ExceptionComment.objects.create(exception=exception, author_id=user_id_of(actor), body=body.strip(), created_at=now)
        attach(exception, files, kinds, comment=comment, now=now)
        ReverseOrder.objects.filter(pk=order.pk).update(updated_at=now)
        order.updated_at = now
        data = {"exception_id": exception.pk, "body": body.strip()} | ({"files": len(files)} if files else {})
        record([order], EventKind.EXCEPTION_COMMENTED, actor, data, now=now)
    return comment


@dataclass(frozen=True)
class Outcome:
    """How a dispute ended; `amount` (a decimal string) and `currency` (ISO 4217) only when compensated."""

    outcome: str
    amount: str = ""
    currency: str = ""


def _outcome_problems(exception: OrderException, outcome: Outcome | None) -> dict[str, str]:
    """A dispute is resolved with its outcome (and a compensation with its amount and currency); other exceptions
    take none."""
    if exception.type != OrderException.Type.EXECUTION_DISPUTED:
        return {"outcome": "only_for_dispute"} if outcome and outcome.outcome else {}
    if outcome is None or not outcome.outcome:
        return {"outcome": "required"}
    if outcome.outcome not in DisputeOutcome.values:
        return {"outcome": "invalid_choice"}
    if outcome.outcome != DisputeOutcome.COMPENSATED:
        return {"compensation_amount": "only_for_compensation"} if outcome.amount or outcome.currency else {}
    errors = {}
    try:
        amount = Decimal(outcome.amount)
        # Checked in this order: quantize() itself fails on a number beyond the context's precision (1e30).
        well_formed = amount.is_finite() and 0 < amount < MAX_AMOUNT and amount == amount.quantize(CENT)
    except (InvalidOperation, TypeError):
        well_formed = False
    if not well_formed:
        errors["compensation_amount"] = "invalid_amount"
    if not CURRENCY.fullmatch(outcome.currency or ""):
        errors["compensation_currency"] = "invalid_currency"
    return errors


def resolve_exception(
    *, actor: Actor, number: str, exception_id: int, note: str, outcome: Outcome | None = None,
    precondition: Callable[[ReverseOrder], None] | None = None,
) -> OrderException:
    """The merchant or provider closes the exception with a note (a dispute with its outcome); the order's status
    is untouched."""
    if is_blank(note):
        raise Refused(Code.INVALID, field="note", errors={"note": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.RESOLVE_EXCEPTION)
        if precondition:
            precondition(order)
        exception = _open_exception(order, exception_id)
        errors = _outcome_problems(exception, outcome)
        if errors:
            raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
        compensated = outcome is not None and outcome.outcome == DisputeOutcome.COMPENSATED
        closed = OrderException.objects.filter(pk=exception.pk, is_open=True).update(
            is_open=False, resolved_by_id=user_id_of(actor), resolved_at=now, resolution_note=note.strip(),
            outcome=outcome.outcome if outcome else "",
            compensation_amount=Decimal(outcome.amount) if compensated else None,
            compensation_currency=outcome.currency if compensated else "",
        )
        if closed != 1:
            raise Refused(Code.EXCEPTION_NOT_OPEN)
        ReverseOrder.objects.filter(pk=order.pk).update(exception_state=ExceptionState.RESOLVED, updated_at=now)
        order.exception_state, order.updated_at = ExceptionState.RESOLVED, now
        data = {"exception_id": exception.pk, "note": note.strip()}
        if outcome and outcome.outcome:
            data["outcome"] = outcome.outcome
        if compensated:
            data |= {"compensation_amount": str(Decimal(outcome.amount)), "compensation_currency": outcome.currency}
        record([order], EventKind.EXCEPTION_RESOLVED, actor, data, now=now)
    exception.refresh_from_db()
    return exception
