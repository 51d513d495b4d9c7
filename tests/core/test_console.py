"""What every console page shares: the language (Chinese by default, switchable), the CSP and CSRF protections,
the user's time zone."""
from datetime import UTC, datetime

import pytest

from parcelback.reverse_orders.models import ReverseOrder

from ..helpers import client_for, self_pickup_post

pytestmark = pytest.mark.django_db


def test_language_switch_to_english_and_back(client, world, orders):
    client_for(client, world.merchant1)
    assert "直邮逆向管理" in client.get("/orders/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/orders/"})
    page = client.get("/orders/").content.decode()
    assert "Direct-mail reverse orders" in page and "Register pickup" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/orders/"})
    assert "批量登记提货" in client.get("/orders/").content.decode()


def test_console_defaults_to_chinese_whatever_the_browser_asks(client, world):
    client_for(client, world.merchant1)
    assert "直邮逆向管理" in client.get("/orders/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()


def test_pages_carry_csp_and_no_inline_script_or_style(client, world, orders):
    client_for(client, world.merchant1)
    response = client.get("/orders/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html and " onclick" not in html


def test_forms_carry_csrf_tokens(world, orders):
    from django.test import Client

    client = client_for(Client(enforce_csrf_checks=True), world.merchant1)
    response = client.post("/orders/batch/pickup/", self_pickup_post([orders["return"].number]))
    assert response.status_code == 403
    assert 'name="csrfmiddlewaretoken"' in client.get(f"/orders/batch/pickup/?numbers={orders['return'].number}").content.decode()


@pytest.mark.parametrize(("cookie", "shown"), [("America/Los_Angeles", "America/Los_Angeles"), ("../../etc", "Asia/Shanghai")])
def test_times_are_shown_in_the_users_time_zone(client, world, orders, cookie, shown):
    order = orders["return"]
    ReverseOrder.objects.filter(pk=order.pk).update(created_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    client_for(client, world.merchant1).cookies["pb_tz"] = cookie
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert shown in html
    assert ("2026-11-19 18:00" if shown == "America/Los_Angeles" else "2026-11-20 10:00") in html

