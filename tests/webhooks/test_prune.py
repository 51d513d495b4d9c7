"""Webhook history is kept for PARCELBACK_WEBHOOK_KEEP_DAYS, then the worker forgets it; what is still to be
sent, and every order's timeline, stays."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import Event
from parcelback.webhooks import delivery
from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint

from ..factories import ReverseOrderFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def days_ago(days: int):
    return NOW - timedelta(days=days)


@pytest.fixture
def endpoint(world):
    return WebhookEndpoint.objects.create(
        organisation=world.shop1, url="http://127.0.0.1:9/hook", secret="whsec_" + "A" * 44, created_at=days_ago(90)
    )


def message(world, age: int, *, dispatched: bool = True) -> OutboxMessage:
    return OutboxMessage.objects.create(
        event_type="reverse_order.created", order_number=f"RV{age}", shop=world.shop1, provider=world.provider_a,
        payload={}, created_at=days_ago(age), dispatched_at=days_ago(age) if dispatched else None,
    )


def sent(endpoint, msg: OutboxMessage, state: str, window_ended: int) -> WebhookDelivery:
    row = WebhookDelivery.objects.create(
        endpoint=endpoint, message=msg, state=state, retry_until=days_ago(window_ended), created_at=msg.created_at
    )
    DeliveryAttempt.objects.create(delivery=row, at=msg.created_at, status_code=200 if state == "delivered" else 500)
    return row


def test_prune_forgets_finished_history_past_the_window_and_keeps_the_rest(world, endpoint, settings):
    settings.PARCELBACK_WEBHOOK_KEEP_DAYS = 30
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    events = Event.objects.count()
    sent(endpoint, message(world, 40), "delivered", 39)
    sent(endpoint, message(world, 40), "failed", 39)
    message(world, 45)  # no endpoint wanted it
    still_pending = sent(endpoint, message(world, 40), "pending", 39)  # not finished: never forgotten
    recent = sent(endpoint, message(world, 10), "delivered", 9)
    waiting = message(world, 40, dispatched=False)  # not fanned out yet

    # one row per transaction, to see the batches add up
    assert delivery.prune(now=NOW, batch=1) == {"deliveries pruned": 2, "messages pruned": 3}
    assert set(WebhookDelivery.objects.all()) == {still_pending, recent}
    assert set(DeliveryAttempt.objects.values_list("delivery_id", flat=True)) == {still_pending.pk, recent.pk}
    assert set(OutboxMessage.objects.all()) == {still_pending.message, recent.message, waiting}
    assert Event.objects.count() == events
    assert delivery.prune(now=NOW) == {"deliveries pruned": 0, "messages pruned": 0}


def test_a_long_backlog_is_worked_off_over_several_sweeps(world, endpoint, settings):
    settings.PARCELBACK_WEBHOOK_KEEP_DAYS = 30
    for _ in range(5):
        sent(endpoint, message(world, 40), "delivered", 39)
    assert delivery.prune(now=NOW, batch=2, rounds=2) == {"deliveries pruned": 4, "messages pruned": 4}
    assert delivery.prune(now=NOW, batch=2, rounds=2) == {"deliveries pruned": 1, "messages pruned": 1}


def test_the_window_follows_the_setting(world, endpoint, settings):
    sent(endpoint, message(world, 12), "delivered", 11)
    settings.PARCELBACK_WEBHOOK_KEEP_DAYS = 30
    assert delivery.prune(now=NOW)["deliveries pruned"] == 0
    settings.PARCELBACK_WEBHOOK_KEEP_DAYS = 7
    assert delivery.prune(now=NOW) == {"deliveries pruned": 1, "messages pruned": 1}
