"""The console in a real browser: the flows merchants and warehouse staff depend on."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status_of(order) -> str:
    return ReverseOrder.objects.get(pk=order.pk).status


def test_merchant_pastes_numbers_and_registers_a_self_pickup_batch(world, open_as):
    wanted = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(2)]
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)  # not pasted, must not be registered
    page = open_as("merchant1")
    page.fill("textarea[name=numbers]", "\n".join(o.number for o in wanted))
    page.click("button:has-text('查询')")
    assert page.locator("table.orders tbody tr").count() == 2
    page.check("#select-all")
    assert page.inner_text("#selected-count") == "2"
    page.click("button:has-text('批量登记提货')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert "2 条可登记" in dialog.inner_text()
    assert "提交后不支持修改" in dialog.inner_text()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    dialog.locator("input[name=expected_pickup_at]").fill(when)
    dialog.locator("input[name=picker_name]").fill("张三")
    dialog.locator("input[name=picker_phone]").fill("138 0013 8000")
    dialog.locator("button:has-text('确认提交 2 条'):visible").click()
    page.wait_for_url("**/orders/batch/pickup/done/")
    code = page.inner_text("#pickup-code")
    assert len(code) == 8 and code.isdigit()
    assert "包裹待提货" in page.inner_text("main")
    assert [status_of(o) for o in wanted] == [Status.AWAITING_PICKUP] * 2


def test_mixed_batch_is_explained_and_narrowed(world, open_as):
    ok = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    wrong = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    page = open_as("merchant1")
    page.check(f"input[value='{ok.number}']")
    page.check(f"input[value='{wrong.number}']")
    page.click("button:has-text('批量登记提货')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "1 条可登记" in text and "1 条不可登记" in text
    assert f"{wrong.number} — 清关失败-销毁单不可登记提货" in text
    assert dialog.locator("button[name=submit]:visible").is_disabled()
    dialog.locator("button:has-text('移除不可登记的单据,继续登记 1 条'):visible").click()
    page.wait_for_function("() => !document.querySelector('dialog').innerText.includes('不可登记')")
    assert dialog.locator("button:has-text('确认提交 1 条'):visible").is_enabled()
    assert status_of(ok) == status_of(wrong) == Status.AWAITING_INSTRUCTION


def test_confirm_destruction_needs_the_second_confirmation(world, open_as):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    page = open_as("merchant1")
    page.click(f"tr:has(a:text('{order.number}')) a:has-text('确认销毁')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert order.number in dialog.inner_text() and "销毁不可撤销" in dialog.inner_text()
    dialog.locator("button:has-text('确认销毁 1 条')").click()
    dialog.locator("[role=alertdialog]").wait_for()  # the second confirmation (二次确认弹窗)
    assert status_of(order) == Status.AWAITING_INSTRUCTION
    dialog.locator("[role=alertdialog] button:has-text('确定')").click()
    page.wait_for_selector(".alert.success")
    assert "包裹待销毁" in page.inner_text(".alert.success")
    assert status_of(order) == Status.AWAITING_DESTRUCTION


def test_provider_hands_over_after_a_wrong_code_is_refused(world, open_as):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    details = batch.PickupDetails(
        method="self_pickup", self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000")
    )
    code = services.register_pickup(actor=world.merchant1, numbers=[order.number], details=details).pickup_code
    page = open_as("provider1")
    page.fill("#scan", order.sales_return_no)
    page.press("#scan", "Enter")
    page.wait_for_url(f"**/orders/{order.number}/")
    page.fill("input[name=pickup_code]", "000000" if code != "000000" else "111111")
    page.fill("input[name=handed_to]", "张三")
    page.click("button:has-text('核对提货码并交付')")
    page.wait_for_load_state()
    assert "提货码不正确" in page.inner_text("main")
    assert status_of(order) == Status.AWAITING_PICKUP
    page.fill("input[name=pickup_code]", code)
    page.fill("input[name=handed_to]", "张三")
    page.click("button:has-text('核对提货码并交付')")
    page.wait_for_selector(".alert.success")
    assert "已提货" in page.inner_text(".detail-head")
    assert status_of(order) == Status.PICKED_UP


def test_language_switch(world, open_as):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    page = open_as("merchant1")
    assert page.inner_text("h1") == "直邮逆向管理"
    page.click("button:has-text('English')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Direct-mail reverse orders"
    assert page.locator("button:has-text('Register pickup')").count() == 1
    page.click("button:has-text('中文')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "直邮逆向管理"


def test_list_works_at_phone_width(world, open_as):
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]
    page = open_as("merchant1", width=375, height=800)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    row = page.locator("table.orders tbody tr").first
    assert row.is_visible() and row.bounding_box()["width"] <= 375
    assert orders[-1].number in row.inner_text()
    page.locator(f"input[value='{orders[-1].number}']").check()
    page.click("button:has-text('批量登记提货')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert dialog.bounding_box()["width"] <= 375


def test_a_customs_destroy_order_goes_from_creation_to_destroyed_in_the_browser(world, open_as, tmp_path):
    from parcelback.reverse_orders.management.commands.demo import tiny_png

    provider = open_as("provider1")
    provider.click("a:has-text('新建逆向管理单')")
    for name, value in {
        "external_ref": "E2E-1", "owner_id": "OWN-E2E", "owner_name": "货主", "sales_return_no": "ST-E2E-1",
        "lines-0-product_id": "P1", "lines-0-product_name": "商品一", "lines-0-goods_id": "G1", "lines-0-goods_name": "货品一",
    }.items():
        provider.fill(f"[name='{name}']", value)
    provider.select_option("[name=shop]", "shop1")
    provider.select_option("[name=reverse_type]", "customs_destroy")
    provider.select_option("[name=warehouse]", "tokyo")
    provider.click("button:has-text('提交')")
    provider.wait_for_selector(".alert.success")
    order = ReverseOrder.objects.get(external_ref="E2E-1")
    provider.click("button:has-text('登记到仓')")
    provider.wait_for_selector(".alert.success")

    merchant = open_as("merchant1")
    detail_url = merchant.url.split("/orders/")[0] + f"/orders/{order.number}/"
    merchant.goto(detail_url)
    merchant.click("a:has-text('确认销毁')")
    dialog = merchant.locator("dialog[open]")
    dialog.wait_for()
    dialog.locator("button:has-text('确认销毁 1 条')").click()
    dialog.locator("[role=alertdialog] button:has-text('确定')").click()
    merchant.wait_for_selector(".alert.success")
    assert status_of(order) == Status.AWAITING_DESTRUCTION

    provider.reload()
    photo = tmp_path / "destroyed.png"
    photo.write_bytes(tiny_png())
    provider.fill("[name=destroyed_at]", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))  # after the confirmation
    provider.fill("#execute [name=method]", "海关监管下焚烧")
    provider.set_input_files("input[name=evidence]", str(photo))
    provider.click("button:has-text('确认已销毁')")
    provider.wait_for_selector(".alert.success")
    assert status_of(order) == Status.DESTROYED
    merchant.goto(detail_url)
    assert "已销毁" in merchant.inner_text(".detail-head")
    assert merchant.locator(".evidence img").evaluate("img => img.naturalWidth") == 1
