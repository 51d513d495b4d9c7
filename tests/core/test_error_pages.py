"""Errors a person can meet are console pages in their language with a way back, never a bare server page."""
from unittest import mock

import pytest
from django.test import Client

from ..helpers import client_for


@pytest.mark.django_db
def test_not_found_is_a_console_page_with_a_way_home(client, world):
    response = client_for(client, world.merchant1).get("/orders/RV-DOES-NOT-EXIST/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and 'href="/"' in text and "返回上一页" in text
    assert 'class="sidebar"' in text  # the console's frame, signed in


@pytest.mark.django_db
def test_not_found_speaks_english_when_chosen(client, world):
    signed_in = client_for(client, world.merchant1)
    signed_in.cookies["django_language"] = "en"
    text = signed_in.get("/no-such-page/").content.decode()
    assert "Page not found" in text and "页面不存在" not in text


@pytest.mark.django_db
def test_server_error_page_is_styled_and_says_nothing_was_half_written(settings, world):
    settings.DEBUG = False
    client = client_for(Client(raise_request_exception=False), world.merchant1)
    with mock.patch("parcelback.reverse_orders.views.lists.selectors.list_page", side_effect=RuntimeError("boom")):
        response = client.get("/orders/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器出错了" in text and "console.css" in text and "boom" not in text
