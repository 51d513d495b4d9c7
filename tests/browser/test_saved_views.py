"""Saved views in a real browser: filter the list, save it as a view, find it as a tab with its count, and get
the same filtered list back by clicking it (by keyboard too)."""
import pytest

from parcelback.reverse_orders.models import ReverseType, SavedView, Status

from ..factories import ReverseOrderFactory
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_saved_view_appears_as_a_tab_with_its_count_and_reopens_the_same_list(world, open_as, live_server):
    awaiting = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status=Status.CANCELLED)
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    page = open_as("merchant1")
    page.goto(f"{live_server.url}/orders/?tab=customs_return")
    page.select_option("#f-status", "awaiting_instruction")
    page.click("#filters button[type=submit].primary")
    page.wait_for_url("**status=awaiting_instruction**")
    filtered = sorted(page.locator("tbody input[name=numbers]").evaluate_all("boxes => boxes.map(b => b.value)"))
    assert filtered == sorted(o.number for o in awaiting)

    page.click("summary:has-text('保存为视图')")
    page.fill("#save-view-name", "退运待指令")
    page.check("#save-view-shared")
    page.click(".save-view button[type=submit]")
    page.wait_for_load_state()
    view = SavedView.objects.get()
    assert (view.name, view.query, view.shared) == ("退运待指令", "tab=customs_return&status=awaiting_instruction", True)
    tab = page.locator("nav.tabs a.saved-view")
    assert tab.inner_text() == "退运待指令(3)"
    assert tab.get_attribute("aria-current") == "page"
    page.click("summary:has-text('保存为视图')")  # open: its form is checked too
    assert violations(page) == []

    page.goto(f"{live_server.url}/orders/")
    assert page.locator("nav.tabs a.saved-view").get_attribute("aria-current") is None
    page.focus("nav.tabs a.saved-view")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/orders/?{view.query}")
    shown = sorted(page.locator("tbody input[name=numbers]").evaluate_all("boxes => boxes.map(b => b.value)"))
    assert shown == filtered
    assert page.locator("#f-status").input_value() == "awaiting_instruction"
    assert "共 3 条" in page.inner_text("nav.pager")

    page.click("a:has-text('管理视图')")
    page.wait_for_url("**/orders/views/")
    assert violations(page) == []
    page.fill(f"#view-{view.pk}-name", "待指令")
    page.click(f"tr[data-view='{view.pk}'] button:has-text('重命名')")
    page.wait_for_url("**/orders/views/")
    assert SavedView.objects.get().name == "待指令"
    page.click(f"tr[data-view='{view.pk}'] button:has-text('删除')")
    page.wait_for_load_state()
    assert not SavedView.objects.exists()
