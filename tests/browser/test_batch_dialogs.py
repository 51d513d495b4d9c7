"""Batch dialogs in a real browser: narrowing keeps the typing, a batch split by warehouse, the second
confirmation of 确认销毁 (list and detail page), and the pickup code screen's copy button and pickup slip."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import PickupCode, ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status_of(order) -> str:
    return ReverseOrder.objects.get(pk=order.pk).status


def fill_self_pickup(dialog, name="王小明"):
    dialog.locator("input[name=expected_pickup_at]").fill((timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    dialog.locator("input[name=picker_name]").fill(name)
    dialog.locator("input[name=picker_phone]").fill("138 0013 8000")
    dialog.locator("textarea[name=remark]").fill("周五下午")


def open_pickup_dialog(page, orders):
    for order in orders:
        page.check(f"input[value='{order.number}']")
    page.click("button:has-text('批量登记提货')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    return dialog


def test_narrowing_keeps_what_was_typed(world, open_as):
    ok = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    wrong = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    page = open_as("merchant1")
    dialog = open_pickup_dialog(page, [ok, wrong])
    fill_self_pickup(dialog)
    dialog.locator("button:has-text('移除不可登记的单据,继续登记 1 条'):visible").click()
    page.wait_for_function("() => !document.querySelector('dialog').innerText.includes('不可登记')")
    assert dialog.locator("input[name=picker_name]").input_value() == "王小明"
    assert dialog.locator("input[name=picker_phone]").input_value() == "138 0013 8000"
    assert dialog.locator("textarea[name=remark]").input_value() == "周五下午"
    dialog.locator("button:has-text('确认提交 1 条'):visible").click()
    page.wait_for_url("**/orders/batch/pickup/done/")
    assert status_of(ok) == Status.AWAITING_PICKUP and status_of(wrong) == Status.AWAITING_INSTRUCTION


def test_self_pickup_across_warehouses_split_into_one_code_each_then_copied_and_printed(world, open_as):
    tokyo = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(2)]
    sydney = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2)
    world.wh_a1.address, world.wh_a1.opening_hours, world.wh_a1.contact_phone = "新木场 1-2-3", "09:00–18:00", "+81 3 1234 5678"
    world.wh_a1.save()
    page = open_as("merchant1")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    dialog = open_pickup_dialog(page, [*tokyo, sydney])
    fill_self_pickup(dialog, name="张三")
    assert "东京集货仓 2 条、悉尼集货仓 1 条" in dialog.inner_text()
    dialog.locator("button:has-text('按仓库拆分登记'):visible").click()
    page.wait_for_function("() => document.querySelector('dialog').innerText.includes('将按仓库拆分登记')")
    assert dialog.locator("input[name=picker_name]").input_value() == "张三"
    dialog.locator("button:has-text('确认提交 3 条'):visible").click()
    page.wait_for_url("**/orders/batch/pickup/done/")
    assert PickupCode.objects.count() == 2
    text = page.inner_text("main")
    assert "东京集货仓 提货码(2 条)" in text and "悉尼集货仓 提货码(1 条)" in text
    code = page.inner_text("#pickup-code")
    page.locator("[data-copy]").first.click()
    page.wait_for_function("() => document.querySelector('.copied').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == code
    page.reload()  # the code survives a reload for a few minutes
    assert page.inner_text("#pickup-code") == code
    with page.expect_popup() as popup:
        page.click("a:has-text('打印提货单')")
    slip = popup.value
    slip.wait_for_load_state()
    assert slip.locator("article.pickup-slip").count() == 2
    first = slip.locator("article.pickup-slip").first.inner_text()
    assert code in first and "新木场 1-2-3" in first and "+81 3 1234 5678" in first and "138****8000" in first
    assert slip.locator("article.pickup-slip svg.qr").count() == 2
    slip.emulate_media(media="print")
    assert not slip.locator("header.topbar").is_visible() and not slip.locator("nav.sidebar").is_visible()
    assert slip.locator("article.pickup-slip").first.is_visible()


def test_confirm_destruction_asks_again_in_a_second_popup_and_cancel_goes_back(world, open_as):
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY) for _ in range(2)]
    page = open_as("merchant1")
    for order in orders:
        page.check(f"input[value='{order.number}']")
    page.click("button:has-text('批量确认销毁')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    dialog.locator("button:has-text('确认销毁 2 条')").click()
    second = dialog.locator("[role=alertdialog]")
    second.wait_for()
    assert all(o.number in second.inner_text() for o in orders)
    second.locator("button:has-text('取消')").click()
    dialog.locator("button:has-text('确认销毁 2 条')").wait_for()
    assert [status_of(o) for o in orders] == [Status.AWAITING_INSTRUCTION] * 2
    dialog.locator("button:has-text('确认销毁 2 条')").click()
    second.locator("button:has-text('确定')").click()
    page.wait_for_selector(".alert.success")
    assert [status_of(o) for o in orders] == [Status.AWAITING_DESTRUCTION] * 2


def test_single_order_dialogs_are_titled_with_the_order_and_detail_page_asks_twice(world, open_as):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    page = open_as("merchant1")
    page.goto(page.url.split("/orders/")[0] + f"/orders/{order.number}/")
    page.click("a.btn:has-text('确认销毁')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert dialog.locator("h2").first.inner_text() == f"确认销毁 {order.number}"
    dialog.locator("button:has-text('确认销毁 1 条')").click()
    dialog.locator("[role=alertdialog] button:has-text('确定')").click()
    page.wait_for_selector(".alert.success")
    assert status_of(order) == Status.AWAITING_DESTRUCTION
