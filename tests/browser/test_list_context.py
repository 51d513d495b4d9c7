"""The list keeps the operator's context in a real browser: ticks across pages, "all N matching", back to the
same view after a batch, page sizes, and the pasted numbers that were not found."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticks_survive_pages_and_all_matching_registers_then_returns_to_the_view(world, open_as, live_server):
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(25)]
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)  # filtered out
    view = "tab=customs_return&per_page=20&page=2"
    page = open_as("merchant1")
    page.goto(f"{live_server.url}/orders/?tab=customs_return&per_page=20")
    boxes = page.locator("table.orders tbody input[name=numbers]")
    first = boxes.nth(0).get_attribute("value")
    boxes.nth(0).check()
    page.click("nav.pager a[aria-label='下一页']")
    page.wait_for_url("**page=2**")
    page.locator("table.orders tbody input[name=numbers]").nth(0).check()
    assert page.inner_text("#selected-count") == "2"
    page.click("nav.pager a:has-text('1')")
    page.wait_for_url("**page=1**")
    assert page.locator(f"input[name=numbers][value='{first}']").is_checked()  # restored from sessionStorage
    assert page.inner_text("#selected-count") == "2"

    page.goto(f"{live_server.url}/orders/?{view}")
    page.check("#select-all")
    offer = page.locator("[data-choose-all]")
    assert offer.is_visible() and offer.inner_text() == "选择全部 25 条符合条件的单据"
    offer.click()
    assert page.inner_text("#selected-count") == "25"
    assert page.locator("[data-chosen]").is_visible()
    page.click("button:has-text('批量登记提货')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert "25 条可登记" in dialog.inner_text()
    dialog.locator("input[name=expected_pickup_at]").fill((timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    dialog.locator("input[name=picker_name]").fill("张三")
    dialog.locator("input[name=picker_phone]").fill("138 0013 8000")
    dialog.locator("button:has-text('确认提交 25 条'):visible").click()
    page.wait_for_url("**/orders/batch/pickup/done/**")
    assert ReverseOrder.objects.filter(status=Status.AWAITING_PICKUP).count() == 25
    page.click("a:has-text('返回列表')")
    page.wait_for_url(f"**/orders/?{view}")
    assert page.url == f"{live_server.url}/orders/?{view}"
    assert page.inner_text("#selected-count") == "0"  # the acted-on selection is cleared
    assert {o.number for o in orders} >= {b.get_attribute("value") for b in page.locator("tbody input[name=numbers]").all()}


def test_row_action_and_detail_return_to_the_view(world, open_as, live_server):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    view = "tab=customs_destroy&per_page=100&ordering=deadline"
    page = open_as("merchant1")
    page.goto(f"{live_server.url}/orders/?{view}")
    page.click(f"a.mono:has-text('{order.number}')")
    page.wait_for_url(f"**/orders/{order.number}/**")
    page.click(".crumbs a:has-text('直邮逆向管理')")
    page.wait_for_url(f"**/orders/?{view}")
    assert page.url == f"{live_server.url}/orders/?{view}"


def test_page_sizes_and_pasted_numbers_not_found(world, open_as, live_server):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    page = open_as("merchant1")
    page.click("nav.page-sizes a:has-text('200')")
    page.wait_for_url("**per_page=200**")
    assert "每页 200 条" in page.inner_text("nav.pager")
    page.fill("textarea[name=numbers]", f"  {order.number.lower()}，NOPE-1\u3000nope-2 ")
    page.click("button:has-text('查询')")
    page.wait_for_load_state()
    assert page.locator("table.orders tbody tr").count() == 1
    assert "粘贴的 3 个单号中找到 1 个;未找到:" in page.inner_text(".pasted-check")
    assert page.input_value(".pasted-check textarea") == "NOPE-1\nnope-2"
    assert "per_page=200" in page.url  # the size choice is kept by the filter form
