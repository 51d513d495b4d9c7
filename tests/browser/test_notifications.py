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
    row.locator("button:has-text('标记已读')").click()
    page.wait_for_selector("text=已标为已读 1 条")
    assert bell.locator("[data-unread]").inner_text() == "0"
    assert page.locator("tr.unread").count() == 0 and page.locator("tr.read").count() == 1


def test_a_person_turns_an_email_off_on_the_settings_page(world, open_as):
    from parcelback.notifications.models import Email, NotificationSettings
    from parcelback.reverse_orders.models import EventKind

    from .test_accessibility import violations

    page = open_as("merchant1")
    page.click("header a.bell")
    page.click("a:has-text('通知设置')")
    page.wait_for_url("**/notifications/settings/")
    assert violations(page) == []
    row = page.locator("tr", has=page.locator("th", has_text="超期未处理"))
    assert row.locator("input[value='immediate']").is_checked()
    row.locator("label:has-text('不发邮件')").click()
    page.select_option("select[name=language]", "en")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=通知设置已保存")
    saved = NotificationSettings.objects.get(user_id=world.merchant1.user_id)
    assert saved.email == {EventKind.OVERDUE: Email.OFF} and saved.language == "en"
    assert page.locator("tr", has=page.locator("th", has_text="超期未处理")).locator("input[value='off']").is_checked()
