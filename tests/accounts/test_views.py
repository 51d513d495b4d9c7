"""Signing in and out of the console: each role's landing page, the lockout after wrong passwords, logout."""
import pytest

from ..helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("username", "landing"), [("merchant1", "/dashboard/"), ("provider1", "/dashboard/")])
def test_login_lands_each_role_on_its_page(client, world, username, landing):
    response = client.post("/login/", {"username": username, "password": "demo12345"}, follow=True)
    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, world):
    assert client.get("/orders/")["Location"].startswith("/login/")


def test_repeated_wrong_passwords_lock_the_account(client, world):
    for _ in range(5):
        response = client.post("/login/", {"username": "merchant1", "password": "wrong"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/login/", {"username": "merchant1", "password": "demo12345"})
    assert response.status_code == 429


def test_logout_is_a_post(client, world):
    client_for(client, world.merchant1)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/login/"

