"""Pickup codes cannot be guessed: five wrong codes against one issued code lock handover of every order sharing it
(a self-pickup batch) until the merchant issues a new code; each wrong attempt is on the timeline without the code
tried, logged on both the API and the console path; the new code replaces the old one. The code is never at rest
in plain text (only its keyed hash, and sealed in the session until the one page showing it), and the pages that
show a one-time secret are never cached."""
import json
import logging
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders import pickup_code_session
from parcelback.reverse_orders.models import (
    PICKUP_CODE_MAX_WRONG,
    Event,
    EventKind,
    Execution,
    PickupCode,
    PickupMethod,
    PickupRegistration,
    ReverseType,
    Status,
)
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND, OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import client_for, page_snapshot, refused_with, self_pickup_post


def register_batch(world, count=2):
    """A self-pickup batch of shop1 in provider A's Tokyo warehouse: its orders and their one code."""
    orders = [
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN)
        for _ in range(count)
    ]
    details = batch.PickupDetails(
        method=PickupMethod.SELF_PICKUP,
        self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
    )
    code = services.register_pickup(actor=world.merchant1, numbers=[o.number for o in orders], details=details).pickup_code
    return orders, code


def wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 10**8:08d}"


def attempt(world, order, code) -> Code | None:
    try:
        services.hand_over(actor=world.provider1, number=order.number, pickup_code=code, handed_to="陌生人")
    except Refused as refusal:
        return refusal.code
    return None


def kinds(order) -> list[str]:
    return list(Event.objects.filter(order=order).order_by("id").values_list("kind", flat=True))


# --- the lock -------------------------------------------------------------------------------------------------


def test_codes_are_eight_digits_and_only_their_hash_is_kept(world):
    (a, b), code = register_batch(world)
    assert len(code) == 8 and code.isdigit()
    registrations = PickupRegistration.objects.filter(order__in=[a, b])
    assert len({r.pickup_code_id for r in registrations}) == 1  # the batch shares one issued code
    assert all(r.pickup_code_hash == services.hash_pickup_code(code) != code for r in registrations)
    # Read out at a counter with a space or a dash, it is the same code.
    assert services.hash_pickup_code(f"{code[:4]} {code[4:]}") == services.hash_pickup_code(f"{code[:4]}-{code[4:]}")
    assert services.hash_pickup_code(f"{code[:4]} {code[4:]}") == services.hash_pickup_code(code)


def test_four_wrong_codes_then_the_right_one_hands_over(world):
    (order, _other), code = register_batch(world)
    assert [attempt(world, order, wrong(code, n)) for n in range(1, 5)] == [Code.PICKUP_CODE_MISMATCH] * 4
    assert attempt(world, order, code) is None
    order.refresh_from_db()
    assert order.status == Status.PICKED_UP


def test_five_wrong_codes_lock_handover_of_the_whole_batch_even_with_the_right_code(world):
    (a, b), code = register_batch(world)
    outcomes = [attempt(world, a if n % 2 else b, wrong(code, n)) for n in range(1, 6)]  # across both orders
    assert outcomes == [Code.PICKUP_CODE_MISMATCH] * 4 + [Code.PICKUP_CODE_LOCKED]
    for order in (a, b):
        with refused_with(Code.PICKUP_CODE_LOCKED, field="pickup_code"):
            services.hand_over(actor=world.provider1, number=order.number, pickup_code=code, handed_to="张三")
        order.refresh_from_db()
        assert order.status == Status.AWAITING_PICKUP
    assert not Execution.objects.exists()
    issued = PickupCode.objects.get()
    assert issued.wrong_attempts == PICKUP_CODE_MAX_WRONG and issued.locked_at is not None


def test_each_wrong_attempt_is_on_the_timeline_without_the_code_and_the_lock_is_announced_once(world):
    (a, b), code = register_batch(world)
    tried = [wrong(code, n) for n in range(1, 6)]
    for guess in tried:
        attempt(world, a, guess)
    assert kinds(a) == ["pickup_registered"] + ["handover_refused"] * 5 + ["handover_locked"]
    refused = Event.objects.filter(order=a, kind=EventKind.HANDOVER_REFUSED).order_by("id")
    assert [e.data for e in refused] == [{"handed_to": "陌生人", "wrong_attempts": n} for n in range(1, 6)]
    assert [e.actor_id for e in refused] == [world.provider1.user_id] * 5
    stored = json.dumps(list(Event.objects.values_list("data", flat=True))) + json.dumps(
        list(OutboxMessage.objects.values_list("payload", flat=True))
    )
    assert not any(guess in stored for guess in tried) and code not in stored
    locked = Event.objects.get(kind=EventKind.HANDOVER_LOCKED)
    assert locked.order_id == a.pk and locked.data == {"wrong_attempts": 5, "orders": [a.number, b.number]}
    # Wrong attempts are not announced; the lock is, once, to the shop and the provider.
    assert EventKind.HANDOVER_REFUSED not in EVENT_TYPE_OF_KIND
    assert list(OutboxMessage.objects.exclude(event_type="reverse_order.pickup_registered").values_list(
        "event_type", "order_number", "payload__data__event__orders"
    )) == [("reverse_order.handover_locked", a.number, [a.number, b.number])]


def test_an_empty_code_is_a_field_error_and_not_counted(world):
    (order,), _code = register_batch(world, count=1)
    with refused_with(Code.INVALID, field="pickup_code", errors={"pickup_code": "required"}):
        services.hand_over(actor=world.provider1, number=order.number, pickup_code="  ", handed_to="张三")
    assert PickupCode.objects.get().wrong_attempts == 0


def test_a_locked_attempt_writes_nothing_more(world):
    (order,), code = register_batch(world, count=1)
    for n in range(1, 6):
        attempt(world, order, wrong(code, n))
    with refused_with(Code.PICKUP_CODE_LOCKED):
        services.hand_over(actor=world.provider1, number=order.number, pickup_code=wrong(code, 9), handed_to="陌生人")
    assert PickupCode.objects.get().wrong_attempts == 5


def test_wrong_attempts_are_logged_on_the_api_path_as_on_the_console_path_never_the_code(api, client, world, caplog):
    (a, b), code = register_batch(world)
    caplog.set_level(logging.WARNING)
    response = api(world.provider1).post(f"/reverse-orders/{a.number}/handover", {"pickup_code": wrong(code, 1), "handed_to": "王"})
    assert response.status_code == 409 and response.json()["code"] == "pickup_code_mismatch"
    client_for(client, world.provider1)
    response = client.post(f"/orders/{b.number}/handover/", {"pickup_code": wrong(code, 2), "handed_to": "张三"})
    assert response.status_code == 409
    mismatches = [r.getMessage() for r in caplog.records if "pickup code mismatch" in r.getMessage()]
    assert mismatches == [
        f"pickup code mismatch: order {a.number}, user provider1, wrong attempt 1 of 5",
        f"pickup code mismatch: order {b.number}, user provider1, wrong attempt 2 of 5",
    ]
    assert not any(guess in caplog.text for guess in (code, wrong(code, 1), wrong(code, 2)))


def test_the_api_answers_pickup_code_locked(api, world):
    (order, _), code = register_batch(world)
    client = api(world.provider1)
    answers = [
        client.post(f"/reverse-orders/{order.number}/handover", {"pickup_code": guess, "handed_to": "王"}).json()["code"]
        for guess in [wrong(code, n) for n in range(1, 6)] + [code]
    ]
    assert answers == ["pickup_code_mismatch"] * 4 + ["pickup_code_locked"] * 2


# --- a new code ------------------------------------------------------------------------------------------------


def lock(world, order, code):
    for n in range(1, 6):
        attempt(world, order, wrong(code, n))


def test_reissue_replaces_the_code_of_every_order_still_waiting_and_lifts_the_lock(world):
    (a, b, c), code = register_batch(world, count=3)
    services.hand_over(actor=world.provider1, number=c.number, pickup_code=code, handed_to="张三")  # c is gone
    lock(world, a, code)
    reissued = services.reissue_pickup_code(actor=world.merchant1, number=b.number)
    assert [o.number for o in reissued.orders] == [a.number, b.number]
    assert len(reissued.pickup_code) == 8 and reissued.pickup_code != code
    assert attempt(world, a, code) == Code.PICKUP_CODE_MISMATCH  # the old code stops working; the lock is lifted
    assert attempt(world, a, reissued.pickup_code) is None
    assert attempt(world, b, reissued.pickup_code) is None
    issued = PickupCode.objects.get(registrations__order=a)
    assert (issued.wrong_attempts, issued.locked_at) == (1, None)
    assert PickupRegistration.objects.get(order=c).pickup_code_id != issued.pk  # the handed-over order kept its old one
    for order in (a, b):
        assert Event.objects.filter(order=order, kind=EventKind.PICKUP_CODE_REISSUED, actor_id=world.merchant1.user_id).count() == 1
        assert OutboxMessage.objects.filter(order_number=order.number, event_type="reverse_order.pickup_code_reissued").count() == 1
    assert not Event.objects.filter(order=c, kind=EventKind.PICKUP_CODE_REISSUED).exists()
    assert reissued.pickup_code not in json.dumps(list(OutboxMessage.objects.values_list("payload", flat=True)))


@pytest.mark.parametrize(
    "who, code",
    [("viewer1", Code.NOT_PERMITTED), ("provider1", Code.NOT_PERMITTED), ("merchant2", Code.NOT_FOUND), ("admin", Code.NOT_PERMITTED)],
)
def test_only_the_shops_merchant_operator_may_issue_a_new_code(world, who, code):
    (order, _), _code = register_batch(world)
    with refused_with(code):
        services.reissue_pickup_code(actor=getattr(world, who), number=order.number)


def test_no_new_code_for_a_forwarded_registration_or_a_picked_up_order(world):
    (order, _), code = register_batch(world)
    services.hand_over(actor=world.provider1, number=order.number, pickup_code=code, handed_to="张三")
    with refused_with(Code.WRONG_STATUS):
        services.reissue_pickup_code(actor=world.merchant1, number=order.number)
    forwarded = ReverseOrderFactory(
        shop=world.shop1, warehouse=world.wh_a1, status=Status.AWAITING_PICKUP, pickup_method=PickupMethod.FORWARD
    )
    with refused_with(Code.WRONG_PICKUP_METHOD):
        services.reissue_pickup_code(actor=world.merchant1, number=forwarded.number)


def test_the_api_issues_a_new_code_for_the_merchant_operator_only(api, world):
    (a, b), code = register_batch(world)
    lock(world, a, code)
    for who, status, error in (("viewer1", 403, "not_permitted"), ("provider1", 403, "not_permitted"), ("merchant2", 404, "not_found")):
        response = api(getattr(world, who)).post(f"/reverse-orders/{a.number}/pickup-code")
        assert (response.status_code, response.json()["code"]) == (status, error)
    response = api(world.merchant1).post(f"/reverse-orders/{a.number}/pickup-code")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["orders"] == [a.number, b.number] and len(body["pickup_code"]) == 8
    handover = api(world.provider1).post(f"/reverse-orders/{b.number}/handover", {"pickup_code": body["pickup_code"], "handed_to": "张三"})
    assert handover.status_code == 200 and handover.json()["status"] == "picked_up"


# --- the console: the button, the page shown once, nothing plain at rest ----------------------------------------


def test_detail_page_offers_a_new_code_to_the_merchant_operator_only_and_shows_the_lock(client, world):
    (order, _), code = register_batch(world)
    lock(world, order, code)
    url = f"/orders/{order.number}/"
    page = client_for(client, world.merchant1).get(url).content.decode()
    assert f'action="{url}pickup-code/"' in page and 'id="pickup-code-locked"' in page
    for who in ("viewer1", "provider1"):
        page = client_for(client, getattr(world, who)).get(url).content.decode()
        assert "pickup-code/" not in page and 'id="pickup-code-locked"' in page


def test_console_reissue_needs_the_confirmation_then_shows_the_code_for_a_few_minutes_uncached(client, world, monkeypatch):
    (a, b), code = register_batch(world)
    lock(world, a, code)
    client_for(client, world.merchant1)
    before = page_snapshot(a, b), PickupRegistration.objects.filter(order__in=[a, b]).values_list("pickup_code_hash").distinct().get()
    response = client.post(f"/orders/{a.number}/pickup-code/", {})
    assert response.status_code == 400 and 'class="alert error"' in response.content.decode()
    after = page_snapshot(a, b), PickupRegistration.objects.filter(order__in=[a, b]).values_list("pickup_code_hash").distinct().get()
    assert after == before
    response = client.post(f"/orders/{a.number}/pickup-code/", {"confirm": "1"})
    assert response["Location"] == f"/orders/{a.number}/pickup-code/new/"
    sessions = json.dumps([s.get_decoded() for s in Session.objects.all()])
    page = client.get(response["Location"])
    assert "no-store" in page["Cache-Control"]
    new_code = page.content.decode().split('id="pickup-code" class="mono">')[1].split("<")[0]
    assert len(new_code) == 8 and new_code not in sessions  # sealed in the session until shown
    assert a.number in page.content.decode() and b.number in page.content.decode()
    assert new_code not in json.dumps([s.get_decoded() for s in Session.objects.all()])
    assert new_code in client.get(response["Location"]).content.decode()  # a reload still shows it, for a while
    monkeypatch.setattr(pickup_code_session, "clock", lambda: time.time() + pickup_code_session.KEEP_SECONDS + 1)
    assert client.get(response["Location"])["Location"] == f"/orders/{a.number}/"  # then it is gone
    assert attempt(world, b, new_code) is None


def test_registration_keeps_no_plain_code_in_the_session_and_the_done_page_is_not_cached(client, world):
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(2)]
    client_for(client, world.merchant1)
    response = client.post("/orders/batch/pickup/", self_pickup_post([o.number for o in orders]))
    assert response["Location"] == "/orders/batch/pickup/done/"
    kept = [s.get_decoded() for s in Session.objects.all()]
    page = client.get(response["Location"])
    code = page.content.decode().split('id="pickup-code" class="mono">')[1].split("<")[0]
    assert len(code) == 8 and code not in json.dumps(kept)
    assert "no-store" in page["Cache-Control"]
    assert attempt(world, orders[0], code) is None


def test_pages_showing_a_one_time_secret_are_not_cached(client, world):
    client_for(client, world.merchant1)
    response = client.post("/tokens/", {"name": "erp"})
    page = client.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
