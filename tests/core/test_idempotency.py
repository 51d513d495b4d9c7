import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from parcelback.core.idempotency import purge_expired
from parcelback.core.models import IdempotencyKey
from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import Event, ReverseOrder, Status

from ..factories import ReverseOrderFactory
from ..helpers import assert_error


@pytest.fixture
def order(world):
    return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)


def cancel(client, order, reason="重复建单", key="key-1"):
    return client.post(f"/reverse-orders/{order.number}/cancel", {"reason": reason}, headers={"Idempotency-Key": key})


def test_same_key_and_body_replays_the_first_answer_without_acting_again(api, world, order):
    client = api(world.provider1)
    first = cancel(client, order)
    assert first.status_code == 200
    events = Event.objects.count()
    again = cancel(client, order)
    assert (again.status_code, again.json()) == (200, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert Event.objects.count() == events


def test_replays_a_refusal_too(api, world, order):
    client = api(world.provider1)
    first = cancel(client, order, reason="")
    assert first.status_code == 400
    assert cancel(client, order, reason="").json() == first.json()


def test_same_key_with_another_body_is_refused(api, world, order):
    client = api(world.provider1)
    assert cancel(client, order).status_code == 200
    assert_error(cancel(client, order, reason="另一个原因"), 422, "idempotency_key_reused")


def test_body_is_compared_by_value_not_by_spacing(api, world, order):
    client = api(world.provider1)
    path = f"/api/v1/reverse-orders/{order.number}/cancel"
    headers = {"Authorization": f"Bearer {client.token}", "Idempotency-Key": "k"}
    first = client.client.post(path, '{"reason": "x"}', content_type="application/json", headers=headers)
    again = client.client.post(path, '{ "reason":"x" }', content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"


def test_keys_are_scoped_to_the_organisation(api, world, order):
    mine = ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_b1)
    assert cancel(api(world.provider1), order).status_code == 200
    second = cancel(api(world.provider2), mine)
    assert second.status_code == 200 and "Idempotent-Replayed" not in second
    assert ReverseOrder.objects.get(pk=mine.pk).status == Status.CANCELLED


def test_keys_expire_after_24_hours(api, world, order):
    client = api(world.provider1)
    body = {"orders": [order.number]}
    ReverseOrder.objects.filter(pk=order.pk).update(arrived_at=None)
    assert client.post("/arrivals", body, headers={"Idempotency-Key": "k"}).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = client.post("/arrivals", body, headers={"Idempotency-Key": "k"})
    assert_error(again, 409, "already_arrived")  # acted again: the key was forgotten
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_expired() == 1


def test_refuses_an_unusable_key(api, world, order):
    response = api(world.provider1).post(f"/reverse-orders/{order.number}/cancel", {"reason": "x"}, headers={"Idempotency-Key": "x" * 256})
    assert_error(response, 400, "invalid_idempotency_key")
    assert ReverseOrder.objects.get(pk=order.pk).status == Status.AWAITING_INSTRUCTION


@pytest.mark.django_db(transaction=True)
def test_second_request_while_the_first_runs_is_refused_with_409(api, world, order, monkeypatch):
    """Two requests with one key at the same moment: the first acts, the second is told it is in flight."""
    inside, release = threading.Event(), threading.Event()
    real_cancel = services.cancel

    def slow_cancel(**kwargs):
        inside.set()
        release.wait(10)
        return real_cancel(**kwargs)

    monkeypatch.setattr(services, "cancel", slow_cancel)
    client = api(world.provider1)
    answers = {}

    def first():
        answers["first"] = cancel(client, order)
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    from django.test import Client

    second = cancel(type(client)(Client(), client.token), order)
    release.set()
    thread.join(10)
    assert_error(second, 409, "idempotency_in_flight")
    assert answers["first"].status_code == 200
    assert Event.objects.filter(order=order, kind="cancelled").count() == 1
    # Once the first has finished, the key replays it.
    assert cancel(client, order)["Idempotent-Replayed"] == "true"


def test_multipart_writes_replay_too(api, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone as tz

    from parcelback.reverse_orders.management.commands.demo import tiny_png
    from parcelback.reverse_orders.models import EvidenceFile, ReverseType

    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY,
                                status=Status.AWAITING_DESTRUCTION)
    moment = tz.now().isoformat()

    def destroy():
        data = {"destroyed_at": moment, "method": "焚烧", "evidence": [SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")]}
        return api(world.provider1).post_multipart(f"/reverse-orders/{order.number}/destruction", data, headers={"Idempotency-Key": "d1"})

    first, again = destroy(), destroy()
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert EvidenceFile.objects.count() == 1


# --- scope: one user, one route; role refusals and one-time secrets are never kept in the clear -------------


def register(client, order, key="reg-1"):
    """The same body every time (a fixed pickup time), so a second call may be a replay."""
    body = {
        "orders": [order.number], "method": "self_pickup",
        "self_pickup": {"expected_pickup_at": "2099-01-01T10:00:00+08:00", "picker_name": "王小明", "picker_phone": "13800000000"},
    }
    return client.post("/pickup-registrations", body, headers={"Idempotency-Key": key})


def test_a_viewer_replaying_an_operators_key_gets_its_own_refusal(api, world, order):
    first = register(api(world.merchant1), order)
    assert first.status_code == 201 and first.json()["pickup_code"]
    replay = register(api(world.viewer1), order)
    assert_error(replay, 403, "not_permitted")
    assert "Idempotent-Replayed" not in replay and "pickup_code" not in replay.json()


def test_a_viewers_refusal_is_neither_kept_nor_replayed_to_the_operator(api, world, order):
    assert_error(register(api(world.viewer1), order), 403, "not_permitted")
    assert IdempotencyKey.objects.count() == 0
    answer = register(api(world.merchant1), order)
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer
    assert ReverseOrder.objects.get(pk=order.pk).status == Status.AWAITING_PICKUP


def test_the_same_key_on_another_route_is_a_new_request(api, world, order):
    client = api(world.provider1)
    assert cancel(client, order, key="shared").status_code == 200
    other = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    ReverseOrder.objects.filter(pk=other.pk).update(arrived_at=None)
    arrival = client.post("/arrivals", {"orders": [other.number]}, headers={"Idempotency-Key": "shared"})
    assert arrival.status_code == 201 and "Idempotent-Replayed" not in arrival


def rows_holding(secret: str) -> list[str]:
    """Every table whose text or bytes hold `secret` as a whole number (not inside a longer run of digits)."""
    import re

    pattern = re.compile(rf"(?<!\d){re.escape(secret)}(?!\d)")
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    text = bytes(value).decode("latin1") if isinstance(value, bytes | memoryview) else value
                    if isinstance(text, str) and pattern.search(text):
                        found.append(table)
    return found


def test_a_kept_answer_holds_no_plain_pickup_code_and_still_replays_it(api, world, order):
    client = api(world.merchant1)
    code = register(client, order).json()["pickup_code"]
    assert IdempotencyKey.objects.count() == 1
    assert rows_holding(code) == []
    again = register(client, order)
    assert again["Idempotent-Replayed"] == "true" and again.json()["pickup_code"] == code


def test_an_answer_sealed_under_a_forgotten_secret_key_is_forgotten_not_a_500(api, world, order, settings):
    client = api(world.provider1)
    assert cancel(client, order).status_code == 200
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-key-" * 5, []
    assert_error(cancel(client, order), 409, "wrong_status")  # acted again: the domain refuses a second cancel
    assert Event.objects.filter(order=order, kind="cancelled").count() == 1
