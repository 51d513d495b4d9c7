"""Irreversible instructions under contention: of 20 simultaneous attempts exactly one wins, on both databases."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import (
    DestructionConfirmation,
    Event,
    PickupMethod,
    PickupRegistration,
    ReverseType,
    Status,
)
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory

ATTEMPTS = 20


def race(attempt) -> list:
    """Run `attempt` in ATTEMPTS threads released at the same moment; return each outcome (None or the code)."""
    start = threading.Barrier(ATTEMPTS)
    outcomes: list = []
    lock = threading.Lock()

    def run():
        start.wait()
        try:
            attempt()
            outcome = None
        except Refused as refusal:
            outcome = refusal.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_pickup_registrations_one_wins(world):
    o = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    details = batch.PickupDetails(
        method=PickupMethod.SELF_PICKUP,
        self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
    )
    outcomes = race(lambda: services.register_pickup(actor=world.merchant1, numbers=[o.number], details=details))
    assert outcomes.count(None) == 1
    assert sorted(outcomes, key=str)[1:] == [Code.ALREADY_REGISTERED] * (ATTEMPTS - 1)
    o.refresh_from_db()
    assert o.status == Status.AWAITING_PICKUP
    assert PickupRegistration.objects.filter(order=o).count() == 1
    assert Event.objects.filter(order=o, kind="pickup_registered").count() == 1
    assert OutboxMessage.objects.filter(order_number=o.number).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_destruction_confirmations_one_wins(world):
    o = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    outcomes = race(lambda: services.confirm_destruction(actor=world.merchant1, numbers=[o.number], confirm=True))
    assert outcomes.count(None) == 1
    assert outcomes.count(Code.ALREADY_CONFIRMED) == ATTEMPTS - 1
    o.refresh_from_db()
    assert o.status == Status.AWAITING_DESTRUCTION
    assert DestructionConfirmation.objects.filter(order=o).count() == 1
    assert Event.objects.filter(order=o, kind="destruction_confirmed").count() == 1
