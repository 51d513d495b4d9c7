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
