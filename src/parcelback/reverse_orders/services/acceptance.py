"""The merchant's answer to what the warehouse did (确认处理结果 / 有异议), and the system's acceptance when none
came within the window. Exactly one answer per execution: the conditional move (`steps.move`, only orders still
awaiting an answer) and the unique `ExecutionAcceptance.order` both hold it; a refusal writes nothing."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import SYSTEM, Actor
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from .. import selectors
from ..models import (
    EventKind,
    ExceptionState,
    ExecutionAcceptance,
    OrderException,
    ReverseOrder,
)
from .files import sniffed
from .order_exceptions import attach
from .steps import Action, move, record, take

Result = ExecutionAcceptance.Result


@dataclass(frozen=True)
class Dispute:
    type: str
    description: str
    files: tuple = ()  # photos or PDFs backing it (`files.sniffed`), kept on the exception it opens


def _checked(result: str, dispute: Dispute | None, files_problem: str | None) -> dict[str, str]:
    """The answer's own problems, field → problem, before any order is read."""
    if result not in Result.values:
        return {"result": "invalid_choice"}
    if result == Result.ACCEPTED:
        return {"dispute": "only_for_dispute"} if dispute else {}
    if dispute is None:
        return {"dispute": "required"}
    errors = {"dispute.files": files_problem} if files_problem else {}
    if dispute.type not in ExecutionAcceptance.DisputeType.values:
        errors["dispute.type"] = "invalid_choice"
    if is_blank(dispute.description):
        errors["dispute.description"] = "required"
    elif len(dispute.description.strip()) > ExecutionAcceptance._meta.get_field("description").max_length:
        errors["dispute.description"] = "too_long"
    return errors


def answer_executions(
    *, actor: Actor, numbers: list[str], result: str, dispute: Dispute | None = None, now: datetime | None = None
) -> list[ReverseOrder]:
    """The merchant confirms (`accepted`) or disputes (`disputed`, with a type and a description) the execution of
    every listed order; all or nothing. A dispute opens an exception per order, answered in its thread."""
    kinds, files_problem = sniffed(dispute.files if dispute else (), required=False)
    errors = _checked(result, dispute, files_problem)
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = now or timezone.now()
    action = Action.ACCEPT_EXECUTION if result == Result.ACCEPTED else Action.DISPUTE_EXECUTION
    with transaction.atomic():
        orders = take(actor, numbers, action)
        move(orders, action, now=now)
        if result == Result.ACCEPTED:
            _accepted(orders, actor, now=now, automatic=False)
        else:
            _disputed(orders, actor, dispute, kinds, now=now)
    return orders


def _accepted(orders: list[ReverseOrder], actor: Actor, *, now: datetime, automatic: bool) -> None:
    ExecutionAcceptance.objects.bulk_create(
        ExecutionAcceptance(order=o, result=Result.ACCEPTED, automatic=automatic, answered_by_id=actor.user_id, created_at=now)
        for o in orders
    )
    record(orders, EventKind.EXECUTION_ACCEPTED, actor, {"automatic": automatic}, now=now)


def _disputed(orders: list[ReverseOrder], actor: Actor, dispute: Dispute, kinds: list, *, now: datetime) -> None:
    description = dispute.description.strip()
    ReverseOrder.objects.filter(pk__in=[o.pk for o in orders]).update(exception_state=ExceptionState.PENDING)
    for order in orders:
        order.exception_state = ExceptionState.PENDING
        exception = OrderException.objects.create(
            order=order, type=OrderException.Type.EXECUTION_DISPUTED, description=description,
            raised_by_id=actor.user_id, raised_at=now,
        )
        attach(exception, dispute.files, kinds, now=now)
        ExecutionAcceptance.objects.create(
            order=order, result=Result.DISPUTED, dispute_type=dispute.type, description=description,
            exception=exception, answered_by_id=actor.user_id, created_at=now,
        )
        data = {"exception_id": exception.pk, "dispute_type": dispute.type, "description": description}
        data |= {"files": len(dispute.files)} if dispute.files else {}
        record([order], EventKind.EXECUTION_DISPUTED, actor, data, now=now)


def acceptance_window() -> timedelta:
    return timedelta(days=settings.PARCELBACK_ACCEPTANCE_DAYS)


def accept_unanswered(*, now: datetime | None = None, limit: int = 500) -> int:
    """The worker's sweep: executions the merchant left unanswered for the window are accepted by the system, on
    the timeline and announced like the merchant's own acceptance. Orders the merchant answers meanwhile are
    skipped (the conditional move); two sweepers never accept one order twice."""
    now = now or timezone.now()
    with transaction.atomic():
        orders = selectors.acceptance_due(before=now - acceptance_window(), limit=limit)  # locked, still pending
        if orders:
            move(orders, Action.ACCEPT_EXECUTION, now=now)
            _accepted(orders, SYSTEM, now=now, automatic=True)
    return len(orders)
