"""The console's pages over the Django test client: every page and action, refusals, visibility, query counts."""
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import Event, ExceptionState, PickupMethod, ReverseOrder, ReverseType, Status
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory

pytestmark = pytest.mark.django_db


def client_for(client, actor):
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


def snapshot(*orders):
    """What a refusal must leave untouched: statuses, the timeline and the outbox."""
    return (
        [ReverseOrder.objects.get(pk=o.pk).status for o in orders],
        [ReverseOrder.objects.get(pk=o.pk).exception_state for o in orders],
        Event.objects.count(),
        OutboxMessage.objects.count(),
    )


def self_pickup_post(numbers, **overrides):
    data = {
        "numbers": numbers,
        "method": "self_pickup",
        "expected_pickup_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "picker_name": "张三",
        "picker_phone": "138 0013 8000",
        "submit": "1",
    }
    return data | overrides


def registered(world, order, method=PickupMethod.SELF_PICKUP) -> str | None:
    if method == PickupMethod.SELF_PICKUP:
        details = batch.PickupDetails(
            method=method,
            self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
        )
    else:
        details = batch.PickupDetails(
            method=method,
            forward=batch.ForwardDetails("李四", "13900001234", "中国", "浙江省", "杭州市", "文一西路 969 号", "311121"),
        )
    return services.register_pickup(actor=world.merchant1, numbers=[order.number], details=details).pickup_code


@pytest.fixture
def orders(world):
    """Three orders of shop1 in provider A's Tokyo warehouse, and one of shop2."""
    return {
        "return": ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN),
        "destroy": ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY),
        "reject": ReverseOrderFactory(
            shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.INTERCEPT_REJECT,
            goods=[("70099", "测试商品 <script>alert('xss')</script>")],
        ),
        "other_shop": ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1),
    }


# --- login, language, frame ---------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "landing"), [("merchant1", "/orders/"), ("provider1", "/orders/queue/")])
def test_login_lands_each_role_on_its_page(client, world, username, landing):
    response = client.post("/login/", {"username": username, "password": "demo12345"}, follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, world):
    assert client.get("/orders/")["Location"].startswith("/login/")


def test_repeated_wrong_passwords_lock_the_account(client, world):
    for _ in range(5):
        response = client.post("/login/", {"username": "merchant1", "password": "wrong"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/login/", {"username": "merchant1", "password": "demo12345"})
    assert response.status_code == 429


def test_logout_is_a_post(client, world):
    client_for(client, world.merchant1)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/login/"


def test_language_switch_to_english_and_back(client, world, orders):
    client_for(client, world.merchant1)
    assert "直邮逆向管理" in client.get("/orders/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/orders/"})
    page = client.get("/orders/").content.decode()
    assert "Direct-mail reverse orders" in page and "Register pickup" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/orders/"})
    assert "批量登记提货" in client.get("/orders/").content.decode()


def test_pages_carry_csp_and_no_inline_script_or_style(client, world, orders):
    client_for(client, world.merchant1)
    response = client.get("/orders/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html and " onclick" not in html


# --- the list page ------------------------------------------------------------------------------------


def test_list_shows_own_orders_with_tabs_counts_and_escaped_text(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/").content.decode()
    assert orders["return"].number in html and orders["other_shop"].number not in html
    assert "全部<span class=\"count\">(3)</span>" in html
    assert "销毁<span class=\"count\">(1)</span>" in html
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_list_filters_by_pasted_numbers_and_keeps_them_in_the_url(client, world, orders):
    numbers = f"{orders['return'].number}\n{orders['destroy'].number}, NOPE"
    html = client_for(client, world.merchant1).get("/orders/", {"number_type": "number", "numbers": numbers}).content.decode()
    assert orders["return"].number in html and orders["destroy"].number in html
    assert orders["reject"].number not in html
    assert "全部<span class=\"count\">(2)</span>" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tab": "customs_destroy"}, ["destroy"]),
        ({"tab": "customs_destroy", "reverse_type": "customs_return"}, ["destroy"]),  # type filter: 全部 tab only
        ({"reverse_type": "intercept_reject"}, ["reject"]),
        ({"reverse_type": "bogus"}, ["return", "destroy", "reject"]),
        ({"reverse_type": "customs_failure"}, ["return", "destroy"]),
        ({"goods": "70099"}, ["reject"]),
        ({"goods": "script"}, ["reject"]),
        ({"status": "awaiting_pickup"}, []),
        ({"exception_state": "none", "warehouse": "tokyo"}, ["return", "destroy", "reject"]),
    ],
)
def test_list_filters(client, world, orders, params, expected):
    html = client_for(client, world.merchant1).get("/orders/", params).content.decode()
    shown = sorted(key for key in ("return", "destroy", "reject") if orders[key].number in html.split("<tbody>")[1])
    assert shown == sorted(expected)
    assert f"共 {len(expected)} 条" in html


def test_list_rejects_a_bad_date_with_a_message(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/", {"time_from": "yesterday"}).content.decode()
    assert "Enter a date like" not in html  # translated
    assert "请输入日期" in html


def test_list_sorts_by_deadline_and_shows_overdue(client, world, orders):
    ReverseOrder.objects.filter(pk=orders["reject"].pk).update(instruction_deadline=timezone.now() - timedelta(days=3))
    html = client_for(client, world.merchant1).get("/orders/", {"ordering": "deadline"}).content.decode()
    assert html.index(orders["reject"].number) < html.index(orders["return"].number)
    assert "已超期 3 天" in html


def test_row_actions_are_the_legal_ones(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/").content.decode()
    assert f"/orders/batch/pickup/?numbers={orders['return'].number}" in html
    assert f"/orders/batch/destroy/?numbers={orders['destroy'].number}" in html
    assert f"/orders/batch/pickup/?numbers={orders['destroy'].number}" not in html


def test_viewer_sees_the_list_without_any_action(client, world, orders):
    html = client_for(client, world.viewer1).get("/orders/").content.decode()
    assert orders["return"].number in html
    assert "批量登记提货" not in html and "batch/pickup" not in html and "batch/destroy" not in html
    assert 'name="numbers"' not in html.split("<tbody>")[1]


def test_list_paginates(client, world):
    for _ in range(23):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    html = client_for(client, world.merchant1).get("/orders/", {"per_page": "20", "page": "2"}).content.decode()
    assert html.count('name="numbers" value=') == 3
    assert "共 23 条 · 每页 20 条" in html


def test_list_query_count_is_pinned(client, world, django_assert_num_queries):
    for _ in range(30):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, goods=[("1", "甲"), ("2", "乙")])
    client_for(client, world.merchant1)
    # session, user, membership+organisation, tab counts (also the page count), page rows, their lines, warehouses
    with django_assert_num_queries(7):
        assert client.get("/orders/").status_code == 200


def test_detail_query_count_is_pinned(client, world, orders, django_assert_num_queries):
    order = orders["destroy"]
    services.confirm_destruction(actor=world.merchant1, numbers=[order.number], confirm=True)
    exc = services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="外箱破损")
    services.comment_exception(actor=world.merchant1, number=order.number, exception_id=exc.pk, body="请拍照")
    client_for(client, world.merchant1)
    # session, user, membership, order (+joins), lines, exceptions, comments (+authors), events
    with django_assert_num_queries(8):
        assert client.get(f"/orders/{order.number}/").status_code == 200


# --- export -------------------------------------------------------------------------------------------


def test_export_csv_streams_the_filtered_list(client, world, orders):
    response = client_for(client, world.merchant1).get("/orders/export.csv", {"tab": "customs_destroy"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("逆向管理单号,销退单号,订单号")
    assert len(rows) == 2 and rows[1].startswith(orders["destroy"].number)


def test_export_xlsx_is_a_workbook_of_the_filtered_list(client, world, orders):
    from openpyxl import load_workbook

    response = client_for(client, world.merchant1).get("/orders/export.xlsx")
    assert response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][0] == "逆向管理单号"
    assert sorted(r[0] for r in rows[1:]) == sorted(orders[k].number for k in ("return", "destroy", "reject"))


def test_export_of_an_unknown_format_is_not_found(client, world):
    assert client_for(client, world.merchant1).get("/orders/export.pdf").status_code == 404


def test_export_neutralises_formulas(client, world):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, goods=[("1", "=HYPERLINK(\"x\")")])
    text = b"".join(client_for(client, world.merchant1).get("/orders/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


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


def test_self_pickup_batch_registers_and_shows_the_code_once(client, world, orders):
    client_for(client, world.merchant1)
    numbers = [orders["return"].number, orders["reject"].number]
    response = client.post("/orders/batch/pickup/", self_pickup_post(numbers))
    assert response["Location"] == "/orders/batch/pickup/done/"
    html = client.get("/orders/batch/pickup/done/").content.decode()
    code = html.split('id="pickup-code" class="mono">')[1][:6]
    assert code.isdigit()
    assert "包裹待提货" in html
    assert set(ReverseOrder.objects.filter(number__in=numbers).values_list("status", flat=True)) == {Status.AWAITING_PICKUP}
    # The code is shown once only.
    assert client.get("/orders/batch/pickup/done/")["Location"] == "/orders/"
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


def test_self_pickup_batch_across_warehouses_is_narrowed_to_one(client, world, orders):
    elsewhere = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2)
    html = client_for(client, world.merchant1).get(
        "/orders/batch/pickup/", {"numbers": [orders["return"].number, orders["reject"].number, elsewhere.number]}
    ).content.decode()
    assert "自提批次须在同一仓库" in html
    assert f"numbers={orders['return'].number}&amp;numbers={orders['reject'].number}&amp;method=self_pickup" in html


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
    assert "销毁不可撤销" in html and 'name="confirm"' in html


def test_confirm_destruction_needs_the_second_confirmation(client, world, orders):
    client_for(client, world.merchant1)
    before = snapshot(orders["destroy"])
    response = client.post("/orders/batch/destroy/", {"numbers": orders["destroy"].number, "submit": "1"})
    assert response.status_code == 400
    assert "此操作不可撤销,请勾选确认。" in response.content.decode()
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


# --- the detail page ----------------------------------------------------------------------------------


def test_detail_shows_fields_lines_registration_and_timeline(client, world, orders):
    order = orders["reject"]
    registered(world, order)
    html = client_for(client, world.merchant1).get(f"/orders/{order.number}/").content.decode()
    assert order.sales_return_no in html and order.order_no in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "登记信息" in html and "张三" in html
    assert "提货码只在登记时显示一次" in html
    assert "操作记录" in html and "登记提货" in html


def test_provider_detail_offers_handover(client, world, orders):
    registered(world, orders["return"])
    html = client_for(client, world.provider1).get(f"/orders/{orders['return'].number}/").content.decode()
    assert "核对提货码并交付" in html and "提货码只在登记时显示一次" not in html


def test_hand_over_refuses_a_wrong_code_then_accepts_the_right_one(client, world, orders, caplog):
    order = orders["return"]
    code = registered(world, order)
    client_for(client, world.provider1)
    before = snapshot(order)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(f"/orders/{order.number}/handover/", {"pickup_code": wrong, "handed_to": "张三"})
    assert response.status_code == 409
    assert "提货码不正确" in response.content.decode()
    assert snapshot(order) == before
    assert "pickup code mismatch" in caplog.text
    response = client.post(f"/orders/{order.number}/handover/", {"pickup_code": code, "handed_to": "张三"})
    assert response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.status == Status.PICKED_UP
    assert "已提货" in client.get(f"/orders/{order.number}/").content.decode()


def test_forward_execution(client, world, orders):
    order = orders["return"]
    registered(world, order, PickupMethod.FORWARD)
    client_for(client, world.provider1)
    response = client.post(f"/orders/{order.number}/forward/", {"carrier": "", "tracking_number": "SF1"})
    assert response.status_code == 400 and "必填" in response.content.decode()
    client.post(f"/orders/{order.number}/forward/", {"carrier": "顺丰速运", "tracking_number": "SF1"})
    order.refresh_from_db()
    assert order.status == Status.FORWARDED
    assert "顺丰速运" in client.get(f"/orders/{order.number}/").content.decode()


def test_destroy_with_evidence_and_the_evidence_is_served_to_both_sides(client, world, orders):
    order = orders["destroy"]
    services.confirm_destruction(actor=world.merchant1, numbers=[order.number], confirm=True)
    client_for(client, world.provider1)
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    before = snapshot(order)
    response = client.post(f"/orders/{order.number}/destroy/", {"destroyed_at": when, "method": "焚烧", "evidence": bad})
    assert response.status_code == 400 and "仅支持 JPG、PNG、WebP 图片或 PDF" in response.content.decode()
    assert snapshot(order) == before
    photo = SimpleUploadedFile("p.png", tiny_png(), content_type="image/png")
    client.post(f"/orders/{order.number}/destroy/", {"destroyed_at": when, "method": "焚烧", "evidence": photo})
    order.refresh_from_db()
    assert order.status == Status.DESTROYED
    evidence = order.execution.evidence.get()
    url = f"/orders/{order.number}/evidence/{evidence.pk}/"
    assert url in client.get(f"/orders/{order.number}/").content.decode()
    for actor in (world.provider1, world.merchant1, world.viewer1):
        response = client_for(client, actor).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(client, world.merchant2).get(url).status_code == 404


def test_exception_raise_comment_resolve(client, world, orders):
    order = orders["return"]
    client_for(client, world.provider1)
    response = client.post(f"/orders/{order.number}/exceptions/", {"type": "damaged", "description": ""})
    assert response.status_code == 400 and "必填" in response.content.decode()
    client.post(f"/orders/{order.number}/exceptions/", {"type": "damaged", "description": "外箱破损 <b>x</b>"})
    exception = order.exceptions.get()
    client_for(client, world.merchant1)
    client.post(f"/orders/{order.number}/exceptions/{exception.pk}/comment/", {"body": "请拍照"})
    client.post(f"/orders/{order.number}/exceptions/{exception.pk}/resolve/", {"note": "内件完好"})
    order.refresh_from_db()
    assert order.exception_state == ExceptionState.RESOLVED and order.status == Status.AWAITING_INSTRUCTION
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert "请拍照" in html and "内件完好" in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_cancel(client, world, orders):
    order = orders["return"]
    client_for(client, world.provider1).post(f"/orders/{order.number}/cancel/", {"reason": "重复建单"})
    order.refresh_from_db()
    assert order.status == Status.CANCELLED


# --- the provider's queue and creation ----------------------------------------------------------------


def test_queue_tabs_and_scan(client, world, orders):
    ReverseOrder.objects.filter(pk=orders["return"].pk).update(arrived_at=None)
    client_for(client, world.provider1)
    html = client.get("/orders/queue/").content.decode()
    assert "未到仓<span class=\"count\">(1)</span>" in html and orders["return"].number in html
    response = client.get("/orders/queue/", {"q": orders["reject"].sales_return_no})
    assert response["Location"] == f"/orders/{orders['reject'].number}/"
    assert "没有找到" in client.get("/orders/queue/", {"q": "NOPE"}).content.decode()


def test_bulk_arrival_refuses_whole_batch_then_records_all(client, world, orders):
    ReverseOrder.objects.filter(pk__in=[orders["return"].pk, orders["reject"].pk]).update(arrived_at=None)
    client_for(client, world.provider1)
    before = snapshot(orders["return"], orders["reject"])
    numbers = f"{orders['return'].number}\n{orders['reject'].number} {orders['destroy'].number}"
    response = client.post("/orders/queue/", {"numbers": numbers})
    assert response.status_code == 409
    assert "已登记到仓" in response.content.decode()
    assert snapshot(orders["return"], orders["reject"]) == before
    client.post("/orders/queue/", {"numbers": f"{orders['return'].number},{orders['reject'].number}"})
    assert ReverseOrder.objects.filter(pk__in=[orders["return"].pk, orders["reject"].pk], arrived_at__isnull=False).count() == 2


def test_single_arrival_from_the_detail_page(client, world, orders):
    ReverseOrder.objects.filter(pk=orders["return"].pk).update(arrived_at=None)
    response = client_for(client, world.provider1).post(f"/orders/{orders['return'].number}/arrival/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/orders/{orders['return'].number}/"
    orders["return"].refresh_from_db()
    assert orders["return"].arrived_at is not None


def order_form(**overrides):
    data = {
        "external_ref": "EXT-NEW-1", "shop": "shop1", "warehouse": "tokyo", "reverse_type": "intercept_reject",
        "business_mode": "pop", "owner_id": "OWN-9", "owner_name": "货主九",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "20",
        "lines-0-product_id": "P1", "lines-0-product_name": "商品一", "lines-0-goods_id": "G1", "lines-0-goods_name": "货品一",
        "lines-0-quantity": "2", "lines-1-quantity": "1", "lines-2-quantity": "1",  # as the page renders them
    }
    return data | overrides


def test_create_order_by_form(client, world):
    response = client_for(client, world.provider1).post("/orders/new/", order_form())
    order = ReverseOrder.objects.get(external_ref="EXT-NEW-1")
    assert response["Location"] == f"/orders/{order.number}/"
    assert order.lines.get().goods_name == "货品一"


def test_create_order_with_unknown_shop_shows_it_and_writes_nothing(client, world):
    response = client_for(client, world.provider1).post("/orders/new/", order_form(shop="nope"))
    assert response.status_code == 400 and "未知店铺" in response.content.decode()
    assert ReverseOrder.objects.count() == 0 and OutboxMessage.objects.count() == 0


CSV_HEAD = "external_ref,shop,warehouse,reverse_type,business_mode,owner_id,owner_name,product_id,product_name,goods_id,goods_name,quantity\n"


def upload(text: str):
    return SimpleUploadedFile("orders.csv", text.encode(), content_type="text/csv")


def test_csv_import_creates_orders_with_their_lines(client, world):
    text = CSV_HEAD + "A1,shop1,tokyo,清关失败-退运,代销,O1,货主一,P1,商品一,G1,货品一,1\nA1,shop1,tokyo,清关失败-退运,代销,O1,货主一,P2,商品二,G2,货品二,3\nA2,shop2,tokyo,customs_destroy,pop,O2,货主二,P3,商品三,G3,货品三,1\n"
    response = client_for(client, world.provider1).post("/orders/import/", {"file": upload(text)})
    assert response["Location"] == "/orders/queue/"
    assert ReverseOrder.objects.get(external_ref="A1").lines.count() == 2
    assert ReverseOrder.objects.get(external_ref="A2").reverse_type == ReverseType.CUSTOMS_DESTROY


def test_csv_import_with_one_bad_row_imports_nothing(client, world):
    text = CSV_HEAD + "A1,shop1,tokyo,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\nA2,shop1,la,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,x\nA3,shop1,la,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\n"
    response = client_for(client, world.provider1).post("/orders/import/", {"file": upload(text)})
    assert response.status_code == 400
    assert "第 3 行" in response.content.decode() and "数量须为正整数" in response.content.decode()
    assert ReverseOrder.objects.count() == 0
    # Row 4's warehouse belongs to another provider: reported by line, nothing created.
    text = CSV_HEAD + "A1,shop1,tokyo,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\nA3,shop1,la,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\n"
    html = client_for(client, world.provider1).post("/orders/import/", {"file": upload(text)}).content.decode()
    assert "第 3 行" in html and "未知仓库" in html
    assert ReverseOrder.objects.count() == 0 and Event.objects.count() == 0


# --- visibility and roles -----------------------------------------------------------------------------

ORDER_GETS = ["/orders/{n}/"]
ORDER_POSTS = [
    ("/orders/{n}/arrival/", {}),
    ("/orders/{n}/handover/", {"pickup_code": "1", "handed_to": "x"}),
    ("/orders/{n}/forward/", {"carrier": "x", "tracking_number": "y"}),
    ("/orders/{n}/destroy/", {"method": "x"}),
    ("/orders/{n}/cancel/", {"reason": "x"}),
    ("/orders/{n}/exceptions/", {"type": "other", "description": "x"}),
    ("/orders/{n}/exceptions/1/comment/", {"body": "x"}),
    ("/orders/{n}/exceptions/1/resolve/", {"note": "x"}),
]


@pytest.mark.parametrize("outsider", ["merchant2", "provider2"])
@pytest.mark.parametrize(("url", "data"), [(u, None) for u in ORDER_GETS] + ORDER_POSTS)
def test_out_of_scope_orders_are_not_found(client, world, orders, outsider, url, data):
    client_for(client, getattr(world, outsider))
    before = snapshot(orders["return"])
    url = url.format(n=orders["return"].number)
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 404
    assert snapshot(orders["return"]) == before


@pytest.mark.parametrize("outsider", ["merchant2", "provider2"])
def test_out_of_scope_orders_do_not_appear_anywhere(client, world, orders, outsider):
    client_for(client, getattr(world, outsider))
    number = orders["return"].number
    for url in ("/orders/", f"/orders/?numbers={number}", "/orders/queue/", "/orders/export.csv"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert number.encode() not in body.split(b"<tbody>")[-1].split(b"</tbody>")[0]  # filters echo what was typed
    html = client.get("/orders/batch/pickup/", {"numbers": number}).content.decode()
    assert "逆向管理单不存在" in html


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/orders/batch/pickup/", "pickup"),
        ("/orders/batch/destroy/", {"submit": "1", "confirm": "1"}),
        ("/orders/{n}/exceptions/", {"type": "other", "description": "x"}),
        ("/orders/{n}/cancel/", {"reason": "x"}),
        ("/orders/{n}/arrival/", {}),
        ("/orders/queue/", {"numbers": "{n}"}),
        ("/orders/new/", "create"),
    ],
)
def test_viewer_forged_posts_are_refused_and_write_nothing(client, world, orders, url, data):
    order = orders["destroy"] if "destroy" in url else orders["return"]
    ReverseOrder.objects.filter(pk=order.pk).update(arrived_at=None)
    if data == "pickup":
        data = self_pickup_post([order.number])
    elif data == "create":
        data = order_form()
    else:
        data = {k: v.format(n=order.number) for k, v in data.items()} | {"numbers": order.number}
    before = snapshot(order)
    response = client_for(client, world.viewer1).post(url.format(n=order.number), data)
    assert response.status_code in (302, 400, 403, 409)
    if response.status_code != 302:
        assert "您的角色无权进行此操作" in response.content.decode() or "未做任何操作" in response.content.decode()
    assert snapshot(order) == before
    assert ReverseOrder.objects.count() == 4


def test_viewer_detail_has_no_forms(client, world, orders):
    exc = services.raise_exception(actor=world.provider1, number=orders["return"].number, type="other", description="x")
    html = client_for(client, world.viewer1).get(f"/orders/{orders['return'].number}/").content.decode()
    assert f"/exceptions/{exc.pk}/comment/" not in html and "登记提货" not in html.split("<main")[1].split("操作记录")[0]


def test_forms_carry_csrf_tokens(world, orders):
    from django.test import Client

    client = client_for(Client(enforce_csrf_checks=True), world.merchant1)
    response = client.post("/orders/batch/pickup/", self_pickup_post([orders["return"].number]))
    assert response.status_code == 403
    assert 'name="csrfmiddlewaretoken"' in client.get(f"/orders/batch/pickup/?numbers={orders['return'].number}").content.decode()


def test_console_defaults_to_chinese_whatever_the_browser_asks(client, world):
    client_for(client, world.merchant1)
    assert "直邮逆向管理" in client.get("/orders/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    import os
    import secrets
    import subprocess
    import sys

    env = os.environ | {
        "PARCELBACK_DATA_DIR": str(tmp_path), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "parcelback.example.com", "SECURE_COOKIES": "1", "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "parcelback.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("cookie", "shown"), [("America/Los_Angeles", "America/Los_Angeles"), ("../../etc", "Asia/Shanghai")])
def test_times_are_shown_in_the_users_time_zone(client, world, orders, cookie, shown):
    order = orders["return"]
    ReverseOrder.objects.filter(pk=order.pk).update(created_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    client_for(client, world.merchant1).cookies["pb_tz"] = cookie
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert shown in html
    assert ("2026-11-19 18:00" if shown == "America/Los_Angeles" else "2026-11-20 10:00") in html


def test_queue_query_count_is_pinned(client, world, django_assert_num_queries):
    for _ in range(30):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None, goods=[("1", "甲"), ("2", "乙")])
    client_for(client, world.provider1)
    # session, user, membership, page count, page rows, their lines, tab counts
    with django_assert_num_queries(7):
        assert client.get("/orders/queue/").status_code == 200


def test_csv_template_imports_as_it_is(client, world):
    """The template names warehouse "tokyo", which is provider A's in the test world."""
    client_for(client, world.provider1)
    template = client.get("/orders/import/template.csv").content
    response = client.post("/orders/import/", {"file": SimpleUploadedFile("t.csv", template, content_type="text/csv")})
    assert response.status_code == 302
    assert ReverseOrder.objects.get(external_ref="DEMO-REF-1").lines.count() == 2


def test_list_filter_takes_300_pasted_numbers(client, world):
    """What people paste from a spreadsheet: one number a line, through the GET form (gunicorn allows the long URL)."""
    from .test_query_counts import bulk_orders

    numbers = bulk_orders(world, 300, prefix="RV")
    pasted = "\r\n".join(numbers)
    response = client_for(client, world.merchant1).get(
        "/orders/", {"tab": "all", "number_type": "number", "numbers": pasted, "per_page": "100"}
    )
    assert response.status_code == 200
    assert len(response.wsgi_request.get_full_path()) > 4094  # gunicorn's default limit
    html = response.content.decode()
    assert "共 300 条" in html and html.count('class="mono" href="/orders/RV') == 100
    assert numbers[0] in html and pasted in html  # the textarea keeps what was pasted
