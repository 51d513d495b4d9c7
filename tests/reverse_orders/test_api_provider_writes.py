from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import (
    EvidenceFile,
    Event,
    ExceptionState,
    OrderException,
    ReverseOrder,
    ReverseType,
    Status,
)
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot as snapshot
from ..helpers import assert_error


def new_order(ref="WMS-1", **changes):
    return {
        "external_ref": ref, "shop": "shop1", "warehouse": "tokyo", "reverse_type": "customs_return",
        "business_mode": "pop", "owner": {"id": "OWN-1", "name": "花王"}, "sales_return_no": "ST1", "order_no": "691",
        "lines": [{"product_id": "P1", "product_name": "眼罩", "goods_id": "G1", "goods_name": "眼罩 12片", "quantity": 2}],
    } | changes


def test_creates_orders_in_bulk_and_returns_numbers(api, world):
    response = api(world.provider1).post("/reverse-orders", {"orders": [new_order("A"), new_order("B", warehouse="sydney")]})
    assert response.status_code == 201, response.content
    created = response.json()["orders"]
    assert [(c["external_ref"], c["created"]) for c in created] == [("A", True), ("B", True)]
    order = ReverseOrder.objects.get(number=created[0]["number"])
    assert (order.shop, order.provider, order.status) == (world.shop1, world.provider_a, Status.AWAITING_INSTRUCTION)
    assert order.lines.get().goods_name == "眼罩 12片"
    assert OutboxMessage.objects.filter(event_type="reverse_order.created").count() == 2


def test_sending_the_same_external_ref_again_returns_the_existing_order(api, world):
    client = api(world.provider1)
    first = client.post("/reverse-orders", {"orders": [new_order("A")]}).json()["orders"][0]
    counts = (ReverseOrder.objects.count(), Event.objects.count(), OutboxMessage.objects.count())
    again = client.post("/reverse-orders", {"orders": [new_order("A")]})
    assert again.status_code == 200
    assert again.json()["orders"] == [{"external_ref": "A", "number": first["number"], "created": False}]
    assert (ReverseOrder.objects.count(), Event.objects.count(), OutboxMessage.objects.count()) == counts


@pytest.mark.parametrize(
    "order, field, code",
    [
        (new_order(shop="nope"), "orders[1].shop", "unknown_shop"),
        (new_order(warehouse="la"), "orders[1].warehouse", "unknown_warehouse"),  # provider B's warehouse
        (new_order(lines=[]), "orders[1].lines", "required"),
    ],
)
def test_refuses_bad_orders_and_creates_none(api, world, order, field, code):
    counts = (ReverseOrder.objects.count(), Event.objects.count(), OutboxMessage.objects.count())
    response = api(world.provider1).post("/reverse-orders", {"orders": [new_order("OK"), order]})
    body = assert_error(response, 400, "invalid", field=field)
    assert body["errors"][field] == code
    assert (ReverseOrder.objects.count(), Event.objects.count(), OutboxMessage.objects.count()) == counts


@pytest.mark.parametrize("change, field", [({"reverse_type": "lost"}, "orders[0].reverse_type"), ({"colour": "red"}, "orders[0].colour")])
def test_refuses_invalid_choices_and_unknown_fields_on_create(api, world, change, field):
    assert_error(api(world.provider1).post("/reverse-orders", {"orders": [new_order(**change)]}), 400, "invalid", field=field)
    assert ReverseOrder.objects.count() == 0


def test_merchant_may_not_create_orders(api, world):
    assert_error(api(world.merchant1).post("/reverse-orders", {"orders": [new_order()]}), 403, "not_permitted")
    assert ReverseOrder.objects.count() == 0


def test_records_arrival_once(api, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None)
    client = api(world.provider1)
    response = client.post("/arrivals", {"orders": [order.number]})
    assert response.status_code == 201 and response.json() == {"orders": [order.number]}
    order.refresh_from_db()
    assert order.arrived_at is not None
    before = snapshot(order.number)
    assert_error(client.post("/arrivals", {"orders": [order.number]}), 409, "already_arrived")
    assert snapshot(order.number) == before


@pytest.fixture
def registered(world):
    """A self-pickup order, arrived, with its pickup code."""
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    details = batch.PickupDetails(
        method="self_pickup",
        self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "王小明", "13800000000"),
    )
    code = services.register_pickup(actor=world.merchant1, numbers=[order.number], details=details).pickup_code
    return order, code


def test_hands_over_with_the_pickup_code(api, world, registered):
    order, code = registered
    client = api(world.provider1)
    before = snapshot(order.number)
    wrong = "00000000" if code != "00000000" else "11111111"
    assert_error(client.post(f"/reverse-orders/{order.number}/handover", {"pickup_code": wrong, "handed_to": "王小明"}),
                 409, "pickup_code_mismatch", field="pickup_code")
    orders, events, outbox = before
    assert snapshot(order.number) == (orders, events + 1, outbox)  # the wrong attempt is on the timeline, unannounced
    response = client.post(f"/reverse-orders/{order.number}/handover", {"pickup_code": code, "handed_to": "王小明"})
    assert response.status_code == 200 and response.json()["status"] == "picked_up"
    assert response.json()["available_actions"] == ["raise_exception"]


def test_refuses_forwarding_a_self_pickup_order(api, world, registered):
    order, _code = registered
    before = snapshot(order.number)
    response = api(world.provider1).post(f"/reverse-orders/{order.number}/forwarding", {"carrier": "SF", "tracking_number": "SF1"})
    assert_error(response, 409, "wrong_pickup_method")
    assert snapshot(order.number) == before


def test_forwards_and_refuses_before_arrival(api, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None, status=Status.AWAITING_PICKUP, pickup_method="forward")
    client = api(world.provider1)
    path = f"/reverse-orders/{order.number}/forwarding"
    before = snapshot(order.number)
    assert_error(client.post(path, {"carrier": "SF", "tracking_number": "SF1"}), 409, "not_arrived")
    assert snapshot(order.number) == before
    ReverseOrder.objects.filter(pk=order.pk).update(arrived_at=timezone.now())
    assert client.post(path, {"carrier": "SF", "tracking_number": "SF1"}).json()["status"] == "forwarded"
    execution = client.get(f"/reverse-orders/{order.number}").json()["execution"]
    assert (execution["kind"], execution["carrier"], execution["tracking_number"]) == ("forward", "SF", "SF1")


@pytest.fixture
def confirmed(world):
    return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY,
                               status=Status.AWAITING_DESTRUCTION)


def png(name="photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def test_records_destruction_with_evidence_files(api, world, confirmed):
    data = {"destroyed_at": timezone.now().isoformat(), "method": "焚烧", "evidence": [png("a.png"), png("b.png")]}
    response = api(world.provider1).post_multipart(f"/reverse-orders/{confirmed.number}/destruction", data)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "destroyed"
    assert EvidenceFile.objects.filter(execution__order=confirmed, content_type="image/png").count() == 2
    detail = api(world.merchant1).get(f"/reverse-orders/{confirmed.number}").json()
    assert detail["execution"]["destruction_method"] == "焚烧" and len(detail["execution"]["evidence"]) == 2


@pytest.mark.parametrize(
    "data, field",
    [
        ({"destroyed_at": "now", "method": "焚烧"}, "destroyed_at"),
        ({"method": "焚烧"}, "destroyed_at"),
        ({"destroyed_at": "2026-01-01T00:00:00+08:00", "method": "焚烧", "colour": "red"}, "colour"),
        ({"destroyed_at": "2026-01-01T00:00:00+08:00", "method": "焚烧", "text": True}, "evidence"),
    ],
)
def test_refuses_bad_destruction_input(api, world, confirmed, data, field):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if data.pop("text", False):
        data["evidence"] = [SimpleUploadedFile("a.png", b"not an image", content_type="image/png")]
    else:
        data.setdefault("evidence", [png()])
    before = snapshot(confirmed.number)
    response = api(world.provider1).post_multipart(f"/reverse-orders/{confirmed.number}/destruction", data)
    assert_error(response, 400, "invalid", field=field)
    assert snapshot(confirmed.number) == before and EvidenceFile.objects.count() == 0


def test_cancels_only_before_an_instruction(api, world, registered):
    fresh = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    client = api(world.provider1)
    response = client.post(f"/reverse-orders/{fresh.number}/cancel", {"reason": "重复建单"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    order, _code = registered
    before = snapshot(order.number)
    assert_error(client.post(f"/reverse-orders/{order.number}/cancel", {"reason": "x"}), 409, "wrong_status")
    assert_error(client.post(f"/reverse-orders/{fresh.number}/cancel", {"reason": ""}), 400, "invalid", field="reason")
    assert snapshot(order.number) == before


def test_exception_lifecycle_over_the_api(api, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    provider, merchant = api(world.provider1), api(world.merchant1)
    raised = provider.post(f"/reverse-orders/{order.number}/exceptions", {"type": "damaged", "description": "外箱破损"})
    assert raised.status_code == 201
    exception_id = raised.json()["id"]
    before = snapshot(order.number)
    assert_error(provider.post(f"/reverse-orders/{order.number}/exceptions", {"type": "lost", "description": "x"}), 409, "exception_open")
    assert snapshot(order.number) == before
    comment = merchant.post(f"/reverse-orders/{order.number}/exceptions/{exception_id}/comments", {"body": "请拍照"})
    assert comment.status_code == 201 and comment.json()["author"] == "merchant1"
    assert_error(merchant.post(f"/reverse-orders/{order.number}/exceptions/999999/comments", {"body": "?"}), 404, "not_found")
    resolved = merchant.post(f"/reverse-orders/{order.number}/exceptions/{exception_id}/resolve", {"note": "已赔付"})
    assert resolved.status_code == 200 and resolved.json()["is_open"] is False
    assert resolved.json()["comments"][0]["body"] == "请拍照"
    order.refresh_from_db()
    assert (order.status, order.exception_state) == (Status.AWAITING_INSTRUCTION, ExceptionState.RESOLVED)
    before = snapshot(order.number)
    again = merchant.post(f"/reverse-orders/{order.number}/exceptions/{exception_id}/resolve", {"note": "再次"})
    assert_error(again, 409, "exception_not_open")
    assert snapshot(order.number) == before
    kinds = list(Event.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["exception_raised", "exception_commented", "exception_resolved"]


def test_merchant_raises_exceptions_on_open_orders_only_and_viewers_never(api, world):
    """After execution a merchant disputes (POST /execution-acceptances) rather than raising an exception."""
    done = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status="picked_up", pickup_method="self_pickup")
    before = snapshot(done.number)
    assert_error(api(world.merchant1).post(f"/reverse-orders/{done.number}/exceptions", {"type": "lost", "description": "x"}), 409, "wrong_status")
    open_order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    assert_error(api(world.viewer1).post(f"/reverse-orders/{open_order.number}/exceptions", {"type": "lost", "description": "x"}), 403, "not_permitted")
    assert snapshot(done.number) == before and OrderException.objects.count() == 0


def test_stale_if_match_is_refused_with_412(api, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    provider = api(world.provider1)
    etag = provider.get(f"/reverse-orders/{order.number}")["ETag"]
    provider.post(f"/reverse-orders/{order.number}/exceptions", {"type": "damaged", "description": "破损"}, headers={"If-Match": etag})
    before = snapshot(order.number)
    response = provider.post(f"/reverse-orders/{order.number}/cancel", {"reason": "重复"}, headers={"If-Match": etag})
    assert_error(response, 412, "precondition_failed")
    assert snapshot(order.number) == before
    fresh = provider.get(f"/reverse-orders/{order.number}")["ETag"]
    assert fresh != etag
    cancelled = provider.post(f"/reverse-orders/{order.number}/cancel", {"reason": "重复"}, headers={"If-Match": fresh})
    assert cancelled.status_code == 200
    assert cancelled["ETag"] == provider.get(f"/reverse-orders/{order.number}")["ETag"] != fresh
