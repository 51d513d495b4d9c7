"""The bell in a real browser: another organisation acts, the worker fans out, the count goes up; reading brings it down."""
import pytest

from parcelback.notifications.jobs import catch_up
from parcelback.reverse_orders import services

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_counts_a_new_exception_and_marking_read_clears_it(world, open_as):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    page = open_as("merchant1")
    bell = page.locator("header a.bell")
    assert bell.locator("[data-unread]").inner_text() == "0"

    services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="外箱破损")
    catch_up()
    page.reload()
    assert bell.locator("[data-unread]").inner_text() == "1"
    assert "1" in bell.get_attribute("aria-label")

    bell.click()
    page.wait_for_url("**/notifications/")
    row = page.locator("tr.unread")
    assert "上报异常" in row.inner_text() and order.number in row.inner_text()
    page.screenshot(path="/tmp/pb-inboxN-inbox.png", full_page=True)
    row.locator("button:has-text('标记已读')").click()
    page.wait_for_selector("text=已标为已读 1 条")
    assert bell.locator("[data-unread]").inner_text() == "0"
    assert page.locator("tr.unread").count() == 0 and page.locator("tr.read").count() == 1
