"""Refresh the README's screenshots from a running console with the demo data (`make run`, or `parcelback serve`
after `parcelback demo`): `.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]`. Needs Chromium."""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def signed_in(browser, username: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(f"{BASE}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo12345")
    page.click("form button[type=submit].primary")
    page.wait_for_load_state()
    return page


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        merchant = signed_in(browser, "merchant1")
        merchant.goto(f"{BASE}/orders/?tab=all&ordering=deadline")
        merchant.screenshot(path=OUT / "list.png")
        boxes = merchant.locator("input[name=numbers][form=batch-form]:not([disabled])")
        for i in range(min(4, boxes.count())):
            boxes.nth(i).check()
        merchant.click("button:has-text('批量登记提货')")
        merchant.locator("dialog[open]").wait_for()
        merchant.screenshot(path=OUT / "batch-dialog.png")
        provider = signed_in(browser, "provider1")
        provider.goto(f"{BASE}/orders/queue/?tab=exceptions")
        first = provider.locator("table.orders tbody a.mono, table.orders tbody td a").first
        first.click()
        provider.wait_for_load_state()
        provider.screenshot(path=OUT / "detail.png", full_page=False)
        browser.close()
    print(f"wrote {', '.join(p.name for p in sorted(OUT.glob('*.png')))} in {OUT}")


if __name__ == "__main__":
    main()
