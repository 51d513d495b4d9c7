"""Batch dialogs that respect the user's typing: narrowing keeps the form, a self-pickup batch split by warehouse,
the single-order titles, and 确认销毁's second confirmation (二次确认弹窗)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.core.errors import Code
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import (
    Event,
    EventKind,
    PickupCode,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
    ReverseType,
    Status,
)
from parcelback.reverse_orders.services.pickup_codes import hash_pickup_code
from parcelback.reverse_orders.states import Action
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import client_for, refused_with, self_pickup_post
from ..helpers import page_snapshot as snapshot

pytestmark = pytest.mark.django_db


def details() -> batch.PickupDetails:
    sp = batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "138 0013 8000")
    return batch.PickupDetails(method=PickupMethod.SELF_PICKUP, self_pickup=sp)


@pytest.fixture
def spread(world):
    """Three eligible self-pickup orders of shop1: two in Tokyo, one in Sydney."""
    tokyo = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN) for _ in range(2)]
    sydney = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2, reverse_type=ReverseType.CUSTOMS_RETURN)]
    return tokyo, sydney


# --- "移除不可登记的单据,继续登记" keeps what was typed -------------------------------------------------------


def test_narrowing_keeps_the_typed_details_and_writes_nothing(client, world, orders):
    numbers = [orders["return"].number, orders["destroy"].number]
    before = snapshot(orders["return"], orders["destroy"])
    data = self_pickup_post(numbers, picker_name="王小明", remark="周五下午来取") | {"narrow": "self_pickup"}
    del data["submit"]
    response = client_for(client, world.merchant1).post("/orders/batch/pickup/", data, HTTP_X_FRAGMENT="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="numbers" value="{orders["return"].number}"' in html
    assert f'name="numbers" value="{orders["destroy"].number}"' not in html
    assert 'value="王小明"' in html and "周五下午来取" in html and 'value="138 0013 8000"' in html
    assert data["expected_pickup_at"] in html
    assert "1 条可登记" in html and "不可登记" not in html.split("1 条可登记")[1].split("</p>")[0]
    assert 'class="error-text"' not in html  # re-shown, not validated
    assert snapshot(orders["return"], orders["destroy"]) == before


def test_narrow_is_a_submit_button_of_the_form(client, world, orders):
    html = client_for(client, world.merchant1).get(
        "/orders/batch/pickup/", {"numbers": [orders["return"].number, orders["destroy"].number]}
    ).content.decode()
    assert '<button type="submit" name="narrow" value="self_pickup"' in html
    assert "<a href=\"/orders/batch/pickup/?" not in html  # no longer a link that reloads an empty form


# --- split a self-pickup batch by warehouse -----------------------------------------------------------------


def test_plan_split_by_warehouse_keeps_every_order_grouped():
    class O:
        def __init__(self, number, warehouse_id):
            self.number, self.warehouse_id = number, warehouse_id
            self.reverse_type, self.status, self.pickup_method = ReverseType.CUSTOMS_RETURN, Status.AWAITING_INSTRUCTION, None
            self.arrived_at, self.exception_state = timezone.now(), "none"

    found = [O("A", 1), O("B", 2), O("C", 2)]
    plan = batch.plan(Action.REGISTER_PICKUP, ["A", "B", "C"], found, "merchant_operator", method=PickupMethod.SELF_PICKUP, split_by_warehouse=True)
    assert plan.ok and [o.number for o in plan.eligible] == ["A", "B", "C"]
    assert [[o.number for o in g] for g in plan.warehouse_groups] == [["B", "C"], ["A"]]
    unsplit = batch.plan(Action.REGISTER_PICKUP, ["A", "B", "C"], found, "merchant_operator", method=PickupMethod.SELF_PICKUP)
    assert unsplit.refused == [("A", Code.MIXED_WAREHOUSES)] and unsplit.mixed_warehouses


def test_split_registration_issues_one_code_per_warehouse_in_one_transaction(world, spread):
    tokyo, sydney = spread
    numbers = [o.number for o in tokyo + sydney]
    result = services.register_pickup(actor=world.merchant1, numbers=numbers, details=details(), split_by_warehouse=True)
    assert result.pickup_code is None and len(result.codes) == 2
    by_wh = {c.warehouse.pk: c for c in result.codes}
    assert sorted(o.number for o in by_wh[world.wh_a1.pk].orders) == sorted(o.number for o in tokyo)
    assert [o.number for o in by_wh[world.wh_a2.pk].orders] == [sydney[0].number]
    assert PickupCode.objects.count() == 2
    for c in result.codes:
        regs = PickupRegistration.objects.filter(order__in=c.orders)
        assert {r.pickup_code_hash for r in regs} == {hash_pickup_code(c.pickup_code)}
        assert len({r.pickup_code_id for r in regs}) == 1
    assert by_wh[world.wh_a1.pk].pickup_code != by_wh[world.wh_a2.pk].pickup_code
    assert set(ReverseOrder.objects.filter(number__in=numbers).values_list("status", flat=True)) == {Status.AWAITING_PICKUP}
    assert Event.objects.filter(kind=EventKind.PICKUP_REGISTERED).count() == 3
    assert OutboxMessage.objects.filter(order_number__in=numbers).count() == 3


def test_without_the_flag_a_batch_across_warehouses_is_still_refused_and_nothing_happens(world, spread):
    tokyo, sydney = spread
    before = snapshot(*tokyo, *sydney)
    with refused_with(Code.BATCH_REFUSED):
        services.register_pickup(actor=world.merchant1, numbers=[o.number for o in tokyo + sydney], details=details())
    assert snapshot(*tokyo, *sydney) == before
    assert not PickupCode.objects.exists() and not Event.objects.filter(kind=EventKind.PICKUP_REGISTERED).exists()
    assert not OutboxMessage.objects.exists()


def test_split_is_all_or_nothing(world, spread, orders):
    tokyo, sydney = spread
    numbers = [o.number for o in tokyo + sydney] + [orders["destroy"].number]
    before = snapshot(*tokyo, *sydney)
    with refused_with(Code.BATCH_REFUSED):
        services.register_pickup(actor=world.merchant1, numbers=numbers, details=details(), split_by_warehouse=True)
    assert snapshot(*tokyo, *sydney) == before and not PickupCode.objects.exists()


def test_dialog_offers_the_split_then_registers_and_shows_one_code_per_warehouse(client, world, spread):
    tokyo, sydney = spread
    numbers = [o.number for o in tokyo + sydney]
    client_for(client, world.merchant1)
    data = self_pickup_post(numbers) | {"split_by_warehouse": "1"}
    del data["submit"]
    html = client.post("/orders/batch/pickup/", data).content.decode()
    assert "将按仓库拆分登记,每个仓库一个提货码:东京集货仓 2 条、悉尼集货仓 1 条" in html
    assert '<input type="hidden" name="split_by_warehouse" value="1">' in html and 'value="张三"' in html
    response = client.post("/orders/batch/pickup/", self_pickup_post(numbers) | {"split_by_warehouse": "1"})
    assert response["Location"] == "/orders/batch/pickup/done/"
    done = client.get("/orders/batch/pickup/done/").content.decode()
    assert "东京集货仓 提货码(2 条)" in done and "悉尼集货仓 提货码(1 条)" in done
    assert done.count("data-copy=") == 2
    assert PickupCode.objects.count() == 2


# --- the single-order dialog names the order ------------------------------------------------------------------


def test_single_order_dialogs_name_the_order(client, world, orders):
    client_for(client, world.merchant1)
    pickup = client.get("/orders/batch/pickup/", {"numbers": orders["return"].number}, HTTP_X_FRAGMENT="1").content.decode()
    assert f"<h2>登记提货 {orders['return'].number}</h2>" in pickup and "批量登记提货" not in pickup
    destroy = client.get("/orders/batch/destroy/", {"numbers": orders["destroy"].number}, HTTP_X_FRAGMENT="1").content.decode()
    assert f"<h2>确认销毁 {orders['destroy'].number}</h2>" in destroy
    several = client.get("/orders/batch/pickup/", {"numbers": [orders["return"].number, orders["reject"].number]}).content.decode()
    assert "<h2>批量登记提货</h2>" in several


# --- 确认销毁: the second confirmation --------------------------------------------------------------------------


def test_destroy_first_step_opens_the_second_confirmation_naming_every_order(client, world, orders):
    second = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    numbers = [orders["destroy"].number, second.number]
    before = snapshot(orders["destroy"], second)
    client_for(client, world.merchant1)
    response = client.post("/orders/batch/destroy/", {"numbers": numbers, "step": "confirm"}, HTTP_X_FRAGMENT="1")
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alertdialog"' in html and "二次确认" in html
    assert all(f'<li class="mono">{n}</li>' in html for n in numbers)
    assert '<input type="hidden" name="confirm" value="1">' in html and 'name="submit" value="1"' in html
    assert snapshot(orders["destroy"], second) == before  # opening the second confirmation writes nothing
    back = client.post("/orders/batch/destroy/", {"numbers": numbers, "step": "plan", "confirm": "1"}).content.decode()
    assert 'name="step" value="confirm"' in back and 'role="alertdialog"' not in back
    assert snapshot(orders["destroy"], second) == before
    done = client.post("/orders/batch/destroy/", {"numbers": numbers, "confirm": "1", "submit": "1"})
    assert done.status_code == 302
    assert set(ReverseOrder.objects.filter(number__in=numbers).values_list("status", flat=True)) == {Status.AWAITING_DESTRUCTION}


def test_detail_page_confirm_destruction_opens_the_same_flow(client, world, orders):
    html = client_for(client, world.merchant1).get(f"/orders/{orders['destroy'].number}/").content.decode()
    assert f"/orders/batch/destroy/?numbers={orders['destroy'].number}" in html


def test_second_confirmation_is_not_offered_for_a_refused_batch(client, world, orders):
    html = client_for(client, world.merchant1).post(
        "/orders/batch/destroy/", {"numbers": [orders["return"].number], "step": "confirm"}
    ).content.decode()
    assert 'role="alertdialog"' not in html and "1 条不可确认销毁" in html


# --- the API: an optional split_by_warehouse ------------------------------------------------------------------


def api_body(numbers, **changes):
    sp = {"expected_pickup_at": (timezone.now() + timedelta(days=2)).isoformat(), "picker_name": "王小明", "picker_phone": "13800000000"}
    return {"orders": numbers, "method": "self_pickup", "self_pickup": sp} | changes


def test_api_split_answers_every_warehouse_code(api, world, spread):
    tokyo, sydney = spread
    numbers = [o.number for o in tokyo + sydney]
    response = api(world.merchant1).post("/pickup-registrations", api_body(numbers, split_by_warehouse=True))
    assert response.status_code == 201
    body = response.json()
    assert body["orders"] == numbers and body["pickup_code"] is None
    assert [(c["warehouse"]["code"], c["orders"]) for c in body["pickup_codes"]] == [
        ("tokyo", [o.number for o in tokyo]), ("sydney", [sydney[0].number]),
    ]
    for c in body["pickup_codes"]:
        regs = PickupRegistration.objects.filter(order__number__in=c["orders"])
        assert {r.pickup_code_hash for r in regs} == {hash_pickup_code(c["pickup_code"])}


def test_api_single_warehouse_keeps_pickup_code_and_lists_it(api, world, spread):
    tokyo, _sydney = spread
    body = api(world.merchant1).post("/pickup-registrations", api_body([o.number for o in tokyo])).json()
    assert len(body["pickup_code"]) == 8
    assert body["pickup_codes"] == [
        {"warehouse": {"code": "tokyo", "name": "东京集货仓"}, "pickup_code": body["pickup_code"], "orders": [o.number for o in tokyo]}
    ]
