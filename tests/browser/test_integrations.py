"""Webhook 设置 and API 令牌 in a real browser: register an endpoint, see its secret once, delete it behind the
dialog; issue a token and revoke it."""
import pytest

from parcelback.accounts.models import ApiToken
from parcelback.webhooks.models import WebhookEndpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_merchant_registers_a_webhook_endpoint_and_deletes_it(world, open_as):
    page = open_as("merchant1")
    page.click("nav >> text=Webhook 设置")
    page.fill("input[name=url]", "https://erp.example.com/hooks")
    page.check("input[value='reverse_order.pickup_registered']")
    page.click("button:has-text('添加')")
    page.wait_for_url("**/webhooks/created/")
    endpoint = WebhookEndpoint.objects.get()
    assert page.input_value("#secret") == endpoint.secret and endpoint.event_types == ["reverse_order.pickup_registered"]
    assert "只显示这一次" in page.inner_text("main")
    page.click("text=我已保存")
    assert endpoint.secret not in page.content() and "登记提货" in page.inner_text("table.orders")
    page.click("table.orders >> text=删除")
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    assert "https://erp.example.com/hooks" in dialog.inner_text()
    dialog.locator("button:has-text('确认删除')").click()
    page.wait_for_selector("text=已删除 Webhook 地址")
    assert WebhookEndpoint.objects.count() == 0


def test_viewer_issues_a_read_only_token_and_revokes_it(world, open_as):
    page = open_as("viewer1")
    page.click("nav >> text=API 令牌")
    page.fill("input[name=name]", "财务报表")
    page.click("button:has-text('创建令牌')")
    page.wait_for_url("**/tokens/created/")
    token = ApiToken.objects.get()
    assert ApiToken.hash(page.input_value("#secret")) == token.key_hash
    page.click("text=我已保存")
    page.click("table.orders >> text=撤销")
    page.locator("dialog[open] button:has-text('确认撤销')").click()
    page.wait_for_selector("text=已撤销 API 令牌")
    token.refresh_from_db()
    assert token.revoked_at is not None
