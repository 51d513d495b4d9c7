"""The address book in a real browser: picking a saved picker in the batch dialog fills the form, and a likely
typo is a warning the operator confirms before the irreversible submit."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.contacts.services import ContactDetails, save_contact
from parcelback.reverse_orders.models import PickupRegistration

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_dialog(page, order):
    page.check(f"input[value='{order.number}']")
    page.click("button:has-text('批量登记提货')")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    dialog.locator("input[name=expected_pickup_at]").fill(when)
    return dialog


def test_picking_a_saved_picker_fills_the_dialog(world, open_as):
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="王五", phone="137 0000 1111"))
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    dialog = open_dialog(open_as("merchant1"), order)
    dialog.locator("input[data-book]:visible").fill("王五 · 137 0000 1111")  # what choosing the datalist entry types
    assert dialog.locator("input[name=picker_name]").input_value() == "王五"
    assert dialog.locator("input[name=picker_phone]").input_value() == "137 0000 1111"
    dialog.locator("button:has-text('确认提交 1 条'):visible").click()
    dialog.page.wait_for_url("**/orders/batch/pickup/done/**")
    registration = PickupRegistration.objects.get(order=order)
    assert (registration.picker_name, registration.picker_phone) == ("王五", "137 0000 1111")


def test_a_likely_typo_is_confirmed_before_submitting(world, open_as):
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="王五", phone="13700001111"))
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    dialog = open_dialog(open_as("merchant1"), order)
    dialog.locator("input[name=picker_name]").fill("王五")
    dialog.locator("input[name=picker_phone]").fill("13700001112")
    dialog.locator("button:has-text('确认提交 1 条'):visible").click()
    warning = dialog.locator("[data-typos]")
    warning.wait_for()
    assert "只差一位数字" in warning.inner_text()
    assert not PickupRegistration.objects.exists()
    warning.locator("input[type=checkbox]").check()
    dialog.locator("button:has-text('确认提交 1 条'):visible").click()
    dialog.page.wait_for_url("**/orders/batch/pickup/done/**")
    assert PickupRegistration.objects.get(order=order).picker_phone == "13700001112"
