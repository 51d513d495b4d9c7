"""Removing an endpoint is safe at any moment: a delivery to it in flight neither kills the worker nor holds up
the other endpoints' webhooks (issue 10, finding 1)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.webhooks import delivery
from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint
from parcelback.worker import loop

pytestmark = pytest.mark.django_db(transaction=True)  # the foreign keys are checked at a real commit


def endpoint(world, organisation, url):
    return WebhookEndpoint.objects.create(
        organisation=organisation, url=url, secret="whsec_" + "A" * 44, created_at=timezone.now() - timedelta(minutes=1)
    )


def message(world, number="RV1"):
    return OutboxMessage.objects.create(
        event_type="reverse_order.created", order_number=number, shop=world.shop1, provider=world.provider_a, payload={}
    )


def one_round():
    loop.Worker(interval=0, sweep_every=3600, concurrency=1).run(once=True)


def test_deleting_an_endpoint_while_its_delivery_is_in_flight_stops_nothing(api, world, receiver, monkeypatch):
    doomed = endpoint(world, world.shop1, receiver.url + "/doomed")
    other = endpoint(world, world.provider_a, receiver.url + "/provider")
    message(world)
    deleted = []
    real_attempt = delivery.attempt

    def attempt_while_the_shop_deletes(leased):
        outcome = real_attempt(leased)
        if leased.endpoint_id == doomed.pk:  # sent, not yet recorded: the shop removes the endpoint meanwhile
            deleted.append(api(world.merchant1).delete(f"/webhook-endpoints/{doomed.pk}").status_code)
        return outcome

    monkeypatch.setattr(delivery, "attempt", attempt_while_the_shop_deletes)
    one_round()  # raised IntegrityError (delivery attempt of a deleted delivery) before

    assert deleted == [204]
    assert len(receiver.received) == 2  # both were sent
    assert not WebhookEndpoint.objects.filter(pk=doomed.pk).exists()
    assert list(WebhookDelivery.objects.values_list("endpoint_id", "state")) == [(other.pk, "delivered")]
    assert list(DeliveryAttempt.objects.values_list("delivery__endpoint_id", "status_code")) == [(other.pk, 200)]
    # The worker goes on: the next message reaches the endpoint that is left.
    message(world, "RV2")
    one_round()
    assert WebhookDelivery.objects.filter(endpoint=other, state="delivered").count() == 2


def test_deleting_an_endpoint_removes_its_pending_deliveries_and_their_log(api, world):
    doomed = endpoint(world, world.shop1, "https://erp.example.com/hooks")
    message(world)
    delivery.fan_out()
    [leased] = delivery.claim_due(now=timezone.now(), limit=10)
    outcome = delivery.Outcome(leased, 503, "", timezone.now(), 5)
    delivery.record([outcome])
    WebhookDelivery.objects.update(leased_until=timezone.now() + delivery.LEASE)  # leased again: in flight
    assert api(world.merchant1).delete(f"/webhook-endpoints/{doomed.pk}").status_code == 204
    assert (WebhookEndpoint.objects.count(), WebhookDelivery.objects.count(), DeliveryAttempt.objects.count()) == (0, 0, 0)
    delivery.record([delivery.Outcome(leased, 200, "", timezone.now(), 5)])  # the late outcome is dropped quietly
    assert (WebhookDelivery.objects.count(), DeliveryAttempt.objects.count()) == (0, 0)


def test_an_outcome_that_cannot_be_recorded_is_logged_and_does_not_hold_up_the_senders(world, receiver, monkeypatch, caplog):
    from concurrent.futures import ThreadPoolExecutor

    first = endpoint(world, world.shop1, receiver.url + "/first")
    message(world)
    delivery.fan_out()
    real_write = delivery._write

    def write(outcomes):
        if any(o.delivery.endpoint_id == first.pk for o in outcomes):
            raise ValueError("a row the database will not take")
        return real_write(outcomes)

    monkeypatch.setattr(delivery, "_write", write)
    with ThreadPoolExecutor(2) as pool:
        senders = delivery.Senders(pool, 2)
        senders.step(timeout=5)
        senders.step(timeout=0)  # records (and drops) the bad outcome: nothing left to retry on every step
        assert senders.sending == set()
        second = endpoint(world, world.provider_a, receiver.url + "/second")
        message(world, "RV2")
        delivery.fan_out()
        senders.step(timeout=5)
        senders.finish()
    assert WebhookDelivery.objects.get(endpoint=second).state == "delivered"
    assert any(r.exc_info and r.exc_info[0] is ValueError for r in caplog.records)
