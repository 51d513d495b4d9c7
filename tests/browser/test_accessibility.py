"""axe-core (installed from the npm registry by `make`, never copied in) finds no serious or critical violation on
the pages people work in: the list, the batch dialog, the detail page, the warehouse queue and the import page."""
from pathlib import Path

import pytest

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[str]:
    """Serious and critical axe violations of the page as it is now (the open dialog included)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm ci) first")
    page.evaluate(AXE.read_text())  # evaluated by the test, so the page's CSP (no inline scripts) stays as it is
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in found if v["impact"] in ("serious", "critical")
    ]


def test_merchant_pages_have_no_serious_accessibility_violations(world, open_as):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    page = open_as("merchant1")
    assert violations(page) == []
    page.check(f"input[value='{order.number}']")
    page.click("button:has-text('批量登记提货')")
    page.locator("dialog[open]").wait_for()
    assert violations(page) == []
    page.keyboard.press("Escape")
    page.goto(page.url.split("/orders/")[0] + f"/orders/{order.number}/")
    assert violations(page) == []


def test_warehouse_pages_have_no_serious_accessibility_violations(world, open_as):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    page = open_as("provider1")
    base = page.url.split("/orders/")[0]
    for path in ("/orders/queue/", "/orders/import/"):
        page.goto(base + path)
        assert violations(page) == [], path


def test_batch_registration_works_from_the_keyboard_alone_and_esc_closes_the_dialog(world, open_as):
    from datetime import timedelta

    from django.utils import timezone

    from parcelback.reverse_orders.models import ReverseOrder, Status

    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    page = open_as("merchant1")
    page.focus(f"input[value='{order.number}']")
    page.keyboard.press("Space")
    page.focus("button:has-text('批量登记提货')")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert page.evaluate("() => document.querySelector('dialog[open]').contains(document.activeElement)")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.focus("button:has-text('批量登记提货')")
    page.keyboard.press("Enter")
    dialog.wait_for()
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for name, value in (("expected_pickup_at", when), ("picker_name", "张三"), ("picker_phone", "13800138000")):
        dialog.locator(f"input[name={name}]").focus()
        if name == "expected_pickup_at":
            dialog.locator(f"input[name={name}]").fill(value)
        else:
            page.keyboard.type(value)
    dialog.locator("button:has-text('确认提交 1 条'):visible").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/orders/batch/pickup/done/**")
    assert ReverseOrder.objects.get(pk=order.pk).status == Status.AWAITING_PICKUP
