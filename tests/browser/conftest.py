"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

They skip only on a machine without Chromium, and never in CI (CI=1), where a missing browser fails them.
"""
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and browser tests must run in CI")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_as(browser, live_server):
    """open_as("merchant1", width=375) → a signed-in page on the live server, at the person's work page (the list, or a
    provider's work queue) unless `start` names another path."""
    pages = []

    def open_page(username: str, *, width: int = 1440, height: int = 900, start: str | None = None):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo12345")
        page.click("form button[type=submit].primary")
        page.wait_for_load_state()  # everyone in an organisation lands on the dashboard
        if start is None:  # the tests start from the person's work page: the work queue, or the list
            start = "/orders/queue/" if page.locator("nav.sidebar a[href='/orders/queue/']").count() else "/orders/"
        page.goto(f"{live_server.url}{start}")
        pages.append(context)
        return page

    yield open_page
    for context in pages:
        context.close()
