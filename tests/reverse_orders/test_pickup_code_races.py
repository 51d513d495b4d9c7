"""Wrong pickup codes under contention count one by one, on both databases: of 20 simultaneous wrong attempts
against one batch's code, exactly four are told "mismatch", the fifth locks, the rest find it locked; racing
new codes never deadlock and leave exactly one working code."""
import threading

import pytest

from parcelback.core.errors import Code
from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import (
    Event,
    EventKind,
    PickupCode,
    PickupRegistration,
    Status,
)
from parcelback.webhooks.models import OutboxMessage

from .test_concurrency import ATTEMPTS, race
from .test_pickup_codes import attempt, register_batch, wrong


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("orders", [1, 2], ids=["one order", "across a batch"])
def test_twenty_simultaneous_wrong_codes_count_exactly_five_then_lock(world, orders):
    batch_orders, code = register_batch(world, count=orders)
    turn = iter(range(ATTEMPTS))
    lock = threading.Lock()

    def guess():
        with lock:
            n = next(turn)
        services.hand_over(
            actor=world.provider1, number=batch_orders[n % orders].number, pickup_code=wrong(code, n + 1), handed_to="陌生人"
        )

    outcomes = race(guess)
    assert len(outcomes) == ATTEMPTS  # no thread died on anything but a refusal
    assert outcomes.count(Code.PICKUP_CODE_MISMATCH) == 4
    assert outcomes.count(Code.PICKUP_CODE_LOCKED) == ATTEMPTS - 4
    issued = PickupCode.objects.get()
    assert issued.wrong_attempts == 5 and issued.locked_at is not None
    assert Event.objects.filter(kind=EventKind.HANDOVER_REFUSED).count() == 5
    assert Event.objects.filter(kind=EventKind.HANDOVER_LOCKED).count() == 1
    assert OutboxMessage.objects.filter(event_type="reverse_order.handover_locked").count() == 1
    assert attempt(world, batch_orders[0], code) == Code.PICKUP_CODE_LOCKED


@pytest.mark.django_db(transaction=True)
def test_simultaneous_new_codes_for_one_batch_leave_exactly_one_working_code(world):
    (a, b), code = register_batch(world)
    issued: list[str] = []
    lock = threading.Lock()

    def reissue():
        number = a.number if len(issued) % 2 else b.number
        reissued = services.reissue_pickup_code(actor=world.merchant1, number=number)
        with lock:
            issued.append(reissued.pickup_code)

    outcomes = race(reissue)
    assert outcomes == [None] * ATTEMPTS and len(issued) == ATTEMPTS
    registrations = PickupRegistration.objects.filter(order__in=[a, b])
    assert len({(r.pickup_code_id, r.pickup_code_hash) for r in registrations}) == 1  # the batch still shares one code
    working = [c for c in issued if registrations[0].pickup_code_hash == services.hash_pickup_code(c)]
    assert len(working) == 1
    assert Event.objects.filter(kind=EventKind.PICKUP_CODE_REISSUED).count() == 2 * ATTEMPTS
    assert attempt(world, a, code) == Code.PICKUP_CODE_MISMATCH
    assert attempt(world, b, working[0]) is None
    b.refresh_from_db()
    assert b.status == Status.PICKED_UP
