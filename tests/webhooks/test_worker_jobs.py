"""The deadline sweep run by the worker: reminders at 3 days and 1 day, then the automatic overdue exception."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders import jobs, services
from parcelback.reverse_orders.models import Event, ExceptionState, OrderException, Status
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory


def kinds(order):
    return list(Event.objects.filter(order=order).values_list("kind", "data"))


@pytest.fixture
def due(world):
    def make(days, **kw):
        return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1,
                                   instruction_deadline=timezone.now() + timedelta(days=days), **kw)
    return make


def test_reminds_once_three_days_and_once_one_day_before_the_deadline(due):
    far, three, one = due(10), due(2.5), due(0.5)
    assert jobs.sweep_deadlines() == {"reminded": 2, "overdue": 0, "accepted": 0}
    assert jobs.sweep_deadlines() == {"reminded": 0, "overdue": 0, "accepted": 0}
    assert kinds(far) == []
    assert kinds(three) == [("deadline_near", {"days_left": 3})]
    assert kinds(one) == [("deadline_near", {"days_left": 1})]
    # Two days on, the first order enters its last day and gets the second reminder.
    assert jobs.sweep_deadlines(now=timezone.now() + timedelta(days=2)) == {"reminded": 1, "overdue": 1, "accepted": 0}
    assert kinds(three) == [("deadline_near", {"days_left": 3}), ("deadline_near", {"days_left": 1})]
    assert OutboxMessage.objects.filter(event_type="reverse_order.deadline_near").count() == 3


def test_no_reminder_once_instructed(due):
    order = due(2, status=Status.AWAITING_PICKUP, pickup_method="forward")
    assert jobs.sweep_deadlines() == {"reminded": 0, "overdue": 0, "accepted": 0}
    assert kinds(order) == []


def test_raises_an_overdue_exception_once_by_the_system(due, world):
    order = due(-1)
    assert jobs.sweep_deadlines()["overdue"] == 1
    order.refresh_from_db()
    assert (order.status, order.exception_state) == (Status.AWAITING_INSTRUCTION, ExceptionState.PENDING)
    exception = OrderException.objects.get(order=order)
    assert exception.type == "overdue" and exception.raised_by is None
    assert [k for k, _d in kinds(order)] == ["overdue", "exception_raised"]
    assert set(Event.objects.filter(order=order).values_list("actor_label", flat=True)) == {"system"}
    assert set(OutboxMessage.objects.values_list("event_type", flat=True)) == {"exception.raised", "reverse_order.overdue"}
    # Resolved by the merchant: not raised again.
    services.resolve_exception(actor=world.merchant1, number=order.number, exception_id=exception.pk, note="已联系商家")
    assert jobs.sweep_deadlines()["overdue"] == 0
    assert OrderException.objects.filter(order=order).count() == 1


def test_waits_for_an_open_exception_before_flagging_overdue(due, world):
    order = due(-1)
    other = services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="破损")
    assert jobs.sweep_deadlines()["overdue"] == 0
    services.resolve_exception(actor=world.merchant1, number=order.number, exception_id=other.pk, note="ok")
    assert jobs.sweep_deadlines()["overdue"] == 1
