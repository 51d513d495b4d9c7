from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import Event, PickupRegistration, ReverseType, Status
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot as snapshot
from ..helpers import assert_error


def self_pickup_body(*numbers, **changes):
    return {
        "orders": list(numbers),
        "method": "self_pickup",
        "self_pickup": {
            "expected_pickup_at": (timezone.now() + timedelta(days=2)).isoformat(),
            "picker_name": "王小明",
            "picker_phone": "+86 138 0000 0000",
        },
        "remark": "前台取件",
    } | changes


DROP = object()
FORWARD = {
    "recipient_name": "李四", "recipient_phone": "13900000000", "country": "中国", "province": "浙江省",
    "city": "杭州市", "district": "西湖区", "street": "文三路 100 号", "postcode": "310000",
}


@pytest.fixture
def returns(world):
    return [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]


def test_registers_self_pickup_for_a_batch(api, world, returns):
    numbers = [o.number for o in returns]
    response = api(world.merchant1).post("/pickup-registrations", self_pickup_body(*numbers))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["orders"] == numbers and len(body["pickup_code"]) == 8 and body["pickup_code"].isdigit()
    for order in returns:
        order.refresh_from_db()
        assert (order.status, order.pickup_method) == (Status.AWAITING_PICKUP, "self_pickup")
    assert PickupRegistration.objects.filter(picker_name="王小明").count() == 3
    assert Event.objects.filter(kind="pickup_registered").count() == 3
    assert OutboxMessage.objects.filter(event_type="reverse_order.pickup_registered").count() == 3


def test_registers_forwarding_without_a_pickup_code(api, world, returns):
    body = {"orders": [returns[0].number], "method": "forward", "forward": FORWARD}
    response = api(world.merchant1).post("/pickup-registrations", body)
    assert response.status_code == 201 and response.json()["pickup_code"] is None
    detail = api(world.merchant1).get(f"/reverse-orders/{returns[0].number}").json()
    assert detail["registration"]["city"] == "杭州市" and detail["pickup_method"] == "forward"
    assert [e["kind"] for e in detail["timeline"]] == ["pickup_registered"]


def test_refuses_whole_batch_when_one_order_is_ineligible(api, world, returns):
    destroy = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    other_shop = ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1)
    numbers = [returns[0].number, destroy.number, other_shop.number, returns[1].number]
    before = snapshot(*numbers)
    response = api(world.merchant1).post("/pickup-registrations", self_pickup_body(*numbers))
    assert_error(response, 409, "batch_refused", refused=[(destroy.number, "wrong_reverse_type"), (other_shop.number, "not_found")])
    assert snapshot(*numbers) == before


def test_refuses_second_registration_of_the_same_order(api, world, returns):
    client = api(world.merchant1)
    assert client.post("/pickup-registrations", self_pickup_body(returns[0].number)).status_code == 201
    before = snapshot(returns[0].number)
    response = client.post("/pickup-registrations", self_pickup_body(returns[0].number))
    assert_error(response, 409, "already_registered", refused=[(returns[0].number, "already_registered")])
    assert snapshot(returns[0].number) == before


def test_refuses_self_pickup_batch_across_warehouses(api, world, returns):
    elsewhere = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2)
    numbers = [returns[0].number, returns[1].number, elsewhere.number]
    before = snapshot(*numbers)
    response = api(world.merchant1).post("/pickup-registrations", self_pickup_body(*numbers))
    assert_error(response, 409, "batch_refused", refused=[(elsewhere.number, "mixed_warehouses")])
    assert snapshot(*numbers) == before


@pytest.mark.parametrize(
    "change, field",
    [
        ({"self_pickup": {"expected_pickup_at": "2020-01-01T00:00:00Z", "picker_name": "王", "picker_phone": "13800000000"}}, "self_pickup.expected_pickup_at"),
        ({"self_pickup": {"expected_pickup_at": "2099-01-01T00:00:00Z", "picker_name": "王", "picker_phone": "call me"}}, "self_pickup.picker_phone"),
        ({"self_pickup": None}, "self_pickup"),
        ({"self_pickup": {"expected_pickup_at": "2099-01-01T00:00:00Z", "picker_name": " ", "picker_phone": "13800000000"}}, "self_pickup.picker_name"),
        ({"method": "forward", "self_pickup": DROP, "forward": FORWARD | {"city": "\u0000"}}, "forward.city"),
        ({"method": "teleport"}, "method"),
        ({"surprise": 1}, "surprise"),
        ({"self_pickup": {"expected_pickup_at": "2099-01-01T00:00:00Z", "picker_name": "王", "picker_phone": "13800000000", "code": "1"}}, "self_pickup.code"),
    ],
)
def test_refuses_bad_pickup_details_and_unknown_fields(api, world, returns, change, field):
    before = snapshot(returns[0].number)
    body = {k: v for k, v in self_pickup_body(returns[0].number, **change).items() if v is not DROP}
    response = api(world.merchant1).post("/pickup-registrations", body)
    assert_error(response, 400, "invalid", field=field)
    assert snapshot(returns[0].number) == before


def test_refuses_empty_and_oversized_batches(api, world, returns):
    client = api(world.merchant1)
    assert_error(client.post("/pickup-registrations", self_pickup_body()), 400, "empty_batch", field="orders")
    many = [f"RV{i}" for i in range(1001)]
    assert_error(client.post("/destruction-confirmations", {"orders": many, "confirm": True}), 400, "batch_too_large")


def test_refuses_duplicate_numbers_in_a_batch(api, world, returns):
    before = snapshot(returns[0].number)
    response = api(world.merchant1).post("/pickup-registrations", self_pickup_body(returns[0].number, returns[0].number))
    assert_error(response, 409, "batch_refused", refused=[(returns[0].number, "duplicate_in_batch")])
    assert snapshot(returns[0].number) == before


def test_viewer_may_not_register(api, world, returns):
    before = snapshot(returns[0].number)
    assert_error(api(world.viewer1).post("/pickup-registrations", self_pickup_body(returns[0].number)), 403, "not_permitted")
    assert snapshot(returns[0].number) == before


@pytest.fixture
def destroy_orders(world):
    return [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY) for _ in range(2)]


def test_confirms_destruction_only_with_confirm_true(api, world, destroy_orders):
    numbers = [o.number for o in destroy_orders]
    client = api(world.merchant1)
    before = snapshot(*numbers)
    assert_error(client.post("/destruction-confirmations", {"orders": numbers}), 400, "confirmation_required", field="confirm")
    assert_error(client.post("/destruction-confirmations", {"orders": numbers, "confirm": False}), 400, "confirmation_required")
    assert snapshot(*numbers) == before
    response = client.post("/destruction-confirmations", {"orders": numbers, "confirm": True})
    assert response.status_code == 201 and response.json() == {"orders": numbers}
    assert {o.status for o in type(destroy_orders[0]).objects.filter(number__in=numbers)} == {Status.AWAITING_DESTRUCTION}
    again = client.post("/destruction-confirmations", {"orders": numbers[:1], "confirm": True})
    assert_error(again, 409, "already_confirmed")


def test_refuses_destruction_of_a_return_order(api, world, returns):
    before = snapshot(returns[0].number)
    response = api(world.merchant1).post("/destruction-confirmations", {"orders": [returns[0].number], "confirm": True})
    assert_error(response, 409, "wrong_reverse_type", refused=[(returns[0].number, "wrong_reverse_type")])
    assert snapshot(returns[0].number) == before
