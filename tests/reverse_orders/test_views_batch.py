"""The batch dialogs over the Django test client: register pickup (self pickup or forwarding) and confirm destruction."""
import pytest

from parcelback.reverse_orders.models import PickupMethod, ReverseOrder, Status

from ..factories import ReverseOrderFactory
from ..helpers import client_for, registered, self_pickup_post
from ..helpers import page_snapshot as snapshot

pytestmark = pytest.mark.django_db


# --- batch pickup -------------------------------------------------------------------------------------


def test_pickup_dialog_shows_the_plan_without_writing(client, world, orders):
    before = snapshot(orders["return"], orders["destroy"])
    response = client_for(client, world.merchant1).get(
        "/orders/batch/pickup/", {"numbers": [orders["return"].number, orders["destroy"].number]}, HTTP_X_FRAGMENT="1"
    )
    html = response.content.decode()
    assert "<html" not in html  # a fragment for the dialog
    assert "1 条可登记" in html and "1 条不可登记" in html
    assert f"{orders['destroy'].number}</span> — 清关失败-销毁单不可登记提货" in html
    assert "移除不可登记的单据,继续登记 1 条" in html
    assert "提交后不支持修改" in html
    assert snapshot(orders["return"], orders["destroy"]) == before


def test_self_pickup_batch_registers_and_shows_the_code_for_a_few_minutes(client, world, orders):
    client_for(client, world.merchant1)
    numbers = [orders["return"].number, orders["reject"].number]
    response = client.post("/orders/batch/pickup/", self_pickup_post(numbers))
    assert response["Location"] == "/orders/batch/pickup/done/"
    html = client.get("/orders/batch/pickup/done/").content.decode()
    code = html.split('id="pickup-code" class="mono">')[1][:6]
    assert code.isdigit()
    assert "包裹待提货" in html
    assert set(ReverseOrder.objects.filter(number__in=numbers).values_list("status", flat=True)) == {Status.AWAITING_PICKUP}
    # A reload still shows the code (kept sealed in the session for a few minutes); never on the order's page.
    assert code in client.get("/orders/batch/pickup/done/").content.decode()
    assert code not in client.get(f"/orders/{numbers[0]}/").content.decode()


def test_dialog_submit_answers_with_where_to_go(client, world, orders):
    response = client_for(client, world.merchant1).post(
        "/orders/batch/pickup/", self_pickup_post([orders["return"].number]), HTTP_X_FRAGMENT="1"
    )
    assert response.status_code == 204 and response["X-Location"] == "/orders/batch/pickup/done/"


def test_forward_registration(client, world, orders):
    data = {
        "numbers": [orders["return"].number], "method": "forward", "recipient_name": "李四", "recipient_phone": "13900001234",
        "country": "中国", "province": "浙江省", "city": "杭州市", "street": "文一西路 969 号", "postcode": "311121", "submit": "1",
    }
    client_for(client, world.merchant1).post("/orders/batch/pickup/", data)
    orders["return"].refresh_from_db()
    assert (orders["return"].status, orders["return"].pickup_method) == (Status.AWAITING_PICKUP, PickupMethod.FORWARD)


def test_mixed_batch_is_refused_whole_with_reasons(client, world, orders):
    before = snapshot(orders["return"], orders["destroy"])
    response = client_for(client, world.merchant1).post(
        "/orders/batch/pickup/", self_pickup_post([orders["return"].number, orders["destroy"].number])
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert html.count("未做任何操作:部分单据不可进行此操作。") == 1
    assert "清关失败-销毁单不可登记提货" in html
    assert snapshot(orders["return"], orders["destroy"]) == before


def test_self_pickup_batch_across_warehouses_names_them_and_offers_to_narrow_or_split(client, world, orders):
    elsewhere = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2)
    html = client_for(client, world.merchant1).get(
        "/orders/batch/pickup/", {"numbers": [orders["return"].number, orders["reject"].number, elsewhere.number]}
    ).content.decode()
    assert "自提批次须在同一仓库" in html
    assert f"{world.wh_a1.name} 2 条、{world.wh_a2.name} 1 条" in html
    assert 'name="narrow" value="self_pickup"' in html and 'name="split_by_warehouse" value="1"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"picker_name": ""}, "必填"),
        ({"picker_phone": "call me"}, "请填写有效的电话号码"),
        ({"expected_pickup_at": "2020-01-01T10:00"}, "须晚于当前时间"),
        ({"expected_pickup_at": "not a time"}, "Enter a valid date/time."),
    ],
)
def test_bad_pickup_details_are_shown_next_to_the_field(client, world, orders, overrides, message):
    before = snapshot(orders["return"])
    response = client_for(client, world.merchant1).post(
        "/orders/batch/pickup/", self_pickup_post([orders["return"].number], **overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html or "有效的日期" in html
    assert snapshot(orders["return"]) == before


def test_second_registration_is_refused(client, world, orders):
    registered(world, orders["return"])
    before = snapshot(orders["return"])
    response = client_for(client, world.merchant1).post("/orders/batch/pickup/", self_pickup_post([orders["return"].number]))
    assert response.status_code == 409
    assert "已登记提货,不可重复提交" in response.content.decode()
    assert snapshot(orders["return"]) == before


# --- confirm destruction ------------------------------------------------------------------------------


def test_confirm_destruction_dialog_names_the_orders(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/batch/destroy/", {"numbers": orders["destroy"].number}).content.decode()
    assert orders["destroy"].number in html and "日本花王 蒸汽眼罩 12片" in html
    assert "销毁不可撤销" in html and 'name="step" value="confirm"' in html and 'name="confirm"' not in html


def test_confirm_destruction_needs_the_second_confirmation(client, world, orders):
    client_for(client, world.merchant1)
    before = snapshot(orders["destroy"])
    response = client.post("/orders/batch/destroy/", {"numbers": orders["destroy"].number, "submit": "1"})
    assert response.status_code == 400
    assert "销毁须在二次确认中点击「确定」。" in response.content.decode() and 'data-step="confirm"' in response.content.decode()
    assert snapshot(orders["destroy"]) == before
    response = client.post("/orders/batch/destroy/", {"numbers": orders["destroy"].number, "submit": "1", "confirm": "1"})
    assert response["Location"] == "/orders/"
    orders["destroy"].refresh_from_db()
    assert orders["destroy"].status == Status.AWAITING_DESTRUCTION
    assert "包裹待销毁" in client.get("/orders/").content.decode()


def test_confirm_destruction_of_a_return_order_is_refused(client, world, orders):
    before = snapshot(orders["return"])
    response = client_for(client, world.merchant1).post(
        "/orders/batch/destroy/", {"numbers": orders["return"].number, "submit": "1", "confirm": "1"}
    )
    assert response.status_code == 409
    assert "该逆向类型不可进行此操作" in response.content.decode()
    assert snapshot(orders["return"]) == before

