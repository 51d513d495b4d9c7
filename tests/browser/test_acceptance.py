"""The merchant's answer to an execution in a real browser: a destroyed parcel disputed on its detail page, the
provider answering in the dispute's thread (found under the work queue's 有异议 tab) and resolving it as 已赔付,
and the merchant reading the outcome; and the batch confirmation from the list."""
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urljoin

import pytest
from django.utils import timezone

from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import AcceptanceState, OrderException, ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, button: str) -> None:
    """Click a detail page form's button and wait for the page it redirects back to."""
    with page.expect_navigation():
        page.click(f"button:has-text('{button}')")


def test_a_destroyed_parcel_is_disputed_answered_and_compensated(world, open_as):
    order = ReverseOrderFactory(
        shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY, status=Status.DESTROYED,
        arrived_at=timezone.now() - timedelta(days=3), instructed_at=timezone.now() - timedelta(days=2),
        executed_at=timezone.now() - timedelta(days=1),
        acceptance_state=AcceptanceState.PENDING,
    )
    merchant = open_as("merchant1", start=f"/orders/{order.number}/")
    assert "已销毁" in merchant.inner_text(".detail-head")
    merchant.click("#acceptance summary:has-text('有异议')")
    merchant.select_option("#dispute-form select[name=type]", label="凭证缺失或不清晰")
    merchant.fill("#dispute-form textarea[name=description]", "销毁照片看不清单号,请补拍")
    submit(merchant, "提交异议")
    assert "已提交异议" in merchant.inner_text(".messages")
    acceptance = merchant.inner_text("#acceptance")
    assert "有异议" in acceptance and "凭证缺失或不清晰" in acceptance and "销毁照片看不清单号,请补拍" in acceptance
    stored = ReverseOrder.objects.get(pk=order.pk)
    assert (stored.acceptance_state, stored.exception_state) == (AcceptanceState.DISPUTED, "pending")

    provider = open_as("provider1")  # the work queue
    provider.click("nav.tabs a:has-text('有异议')")
    provider.click(f"table.orders a:has-text('{order.number}')")
    provider.wait_for_url(f"**/orders/{order.number}/")
    provider.fill("#exceptions textarea[name=body]", "已补拍,照片见附件")
    provider.set_input_files(
        "#exceptions input[name=files]", files=[{"name": "retake.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    submit(provider, "留言")
    assert "已补拍,照片见附件" in provider.inner_text("#exceptions .thread")
    photo = provider.locator("#exceptions .thread .thread-files a").first
    assert photo.inner_text() == "图片 1"
    assert provider.request.get(urljoin(provider.url, photo.get_attribute("href"))).headers["content-type"] == "image/png"
    provider.select_option("#exceptions select[name=outcome]", label="已赔付")
    provider.fill("#exceptions input[name=compensation_amount]", "120.50")
    provider.fill("#exceptions input[name=compensation_currency]", "CNY")
    provider.fill("#exceptions textarea[name=note]", "凭证确有缺失,按货值赔付")
    submit(provider, "完结异常")
    assert "异常已完结" in provider.inner_text(".messages")
    exception = OrderException.objects.get(order=order)
    assert (exception.is_open, exception.outcome, exception.compensation_amount, exception.compensation_currency) == (
        False, "compensated", Decimal("120.50"), "CNY"
    )

    merchant.reload()
    thread = merchant.inner_text("#exceptions")
    assert "已补拍,照片见附件" in thread
    assert "处理结论:已赔付" in thread and "120.50 CNY" in thread and "凭证确有缺失,按货值赔付" in thread
    assert merchant.locator("#dispute-form").count() == 0 and merchant.locator("#accept-form").count() == 0


def test_merchant_confirms_ticked_executions_from_the_list(world, open_as):
    orders = [
        ReverseOrderFactory(
            shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY, status=Status.DESTROYED,
            instructed_at=timezone.now() - timedelta(days=2), executed_at=timezone.now() - timedelta(days=1),
            acceptance_state=AcceptanceState.PENDING,
        )
        for _ in range(2)
    ]
    page = open_as("merchant1", start="/orders/?acceptance_state=pending")
    for order in orders:
        page.check(f"input[value='{order.number}']")
    page.click("button:has-text('批量确认处理结果')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert all(o.number in dialog.inner_text() for o in orders)
    dialog.locator("button:has-text('确认处理结果 2 条')").click()
    page.wait_for_selector(".alert.success")
    assert "已确认处理结果 2 条" in page.inner_text(".messages")
    assert {ReverseOrder.objects.get(pk=o.pk).acceptance_state for o in orders} == {AcceptanceState.ACCEPTED}
