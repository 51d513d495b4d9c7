"""The system's deadline sweep, run by the worker: reminders before the instruction deadline, then the
"overdue" exception."""
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parcelback.core.errors import Refused

from .. import selectors
from ..models import (
    Event,
    EventKind,
    OrderException,
)
from .order_exceptions import raise_exception
from .steps import record

# Reminders go out when the instruction deadline is this many days away (the tightest window only).
REMINDER_DAYS = (3, 1)


def remind_deadlines(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind both sides, once per window, that an order still awaiting instruction is near its deadline."""
    from parcelback.accounts.actors import SYSTEM

    now = now or timezone.now()
    windows = list(zip(REMINDER_DAYS, [*REMINDER_DAYS[1:], 0]))
    sent = 0
    for days, closer in windows:
        with transaction.atomic():
            due = selectors.deadline_due(
                start=now + timedelta(days=closer),
                end=now + timedelta(days=days),
                limit=limit,
                without_event={"kind": EventKind.DEADLINE_NEAR, "data__days_left": days},
            )
            # Read after the rows are locked: a second sweeper waits, then sees the first one's reminders.
            reminded = set(
                Event.objects.filter(order__in=due, kind=EventKind.DEADLINE_NEAR, data__days_left=days).values_list("order_id", flat=True)
            )
            orders = [o for o in due if o.pk not in reminded]
            if orders:
                record(orders, EventKind.DEADLINE_NEAR, SYSTEM, {"days_left": days}, now=now)
            sent += len(orders)
    return sent


def flag_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """When the deadline passes without an instruction, the system raises an "overdue" exception (once per order).
    An order whose other exception is still open is flagged once that one is resolved."""
    from django.utils import translation
    from django.utils.translation import gettext

    from parcelback.accounts.actors import SYSTEM

    now = now or timezone.now()
    flagged = 0
    due = selectors.deadline_due(
        start=None, end=now, limit=limit, lock=False, without_event={"kind": EventKind.OVERDUE}, exclude_pending_exception=True
    )
    for order in due:
        with transaction.atomic():
            if not selectors.orders_for_action(actor=SYSTEM, numbers=[order.number]):
                continue
            if Event.objects.filter(order=order, kind=EventKind.OVERDUE).exists():
                continue
            with translation.override(settings.LANGUAGE_CODE):
                description = gettext("The instruction deadline %(deadline)s passed without an instruction.") % {
                    "deadline": timezone.localtime(order.instruction_deadline).strftime("%Y-%m-%d %H:%M")
                }
            try:
                with transaction.atomic():
                    data = {"instruction_deadline": order.instruction_deadline.isoformat()}
                    record([order], EventKind.OVERDUE, SYSTEM, data, now=timezone.now())
                    raise_exception(actor=SYSTEM, number=order.number, type=OrderException.Type.OVERDUE, description=description)
            except Refused:
                continue  # it moved on meanwhile (instructed, cancelled, or an exception opened): nothing is kept
            flagged += 1
    return flagged
