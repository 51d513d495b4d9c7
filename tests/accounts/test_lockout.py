"""The login lockout counts wrong passwords per username and client address, the address being the socket's peer
unless that peer is a trusted proxy (PARCELBACK_TRUSTED_PROXIES), whose X-Forwarded-For then names the client."""
from types import SimpleNamespace

import pytest

from parcelback.core.limits import client_address

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def login(client, username="merchant1", password="wrong", peer="192.0.2.10", forwarded=None):
    meta = {"REMOTE_ADDR": peer} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})
    return client.post("/login/", {"username": username, "password": password}, **meta).status_code


def lock(client, **where):
    assert [login(client, **where) for _ in range(5)][-1] == 429


def test_locks_one_username_from_one_address_only(client, world):
    lock(client, peer="192.0.2.10")
    assert login(client, password="demo12345", peer="192.0.2.10") == 429
    assert login(client, password="demo12345", peer="192.0.2.11") == 302  # the same user elsewhere
    assert login(client, username="merchant2", password="demo12345", peer="192.0.2.10") == 302  # another user here


def test_a_clients_own_x_forwarded_for_is_ignored_without_trusted_proxies(client, world):
    for i in range(5):
        login(client, peer="192.0.2.10", forwarded=f"198.51.100.{i}")  # a new made-up address each time
    assert login(client, password="demo12345", peer="192.0.2.10", forwarded="198.51.100.99") == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, world, settings):
    settings.PARCELBACK_TRUSTED_PROXIES = [PROXY]
    lock(client, peer=PROXY, forwarded="203.0.113.7")
    assert login(client, password="demo12345", peer=PROXY, forwarded="203.0.113.7") == 429
    # Another client behind the same proxy is not locked out by the first one's failures.
    assert login(client, password="demo12345", peer=PROXY, forwarded="198.51.100.9") == 302


def test_a_client_that_is_not_a_trusted_proxy_cannot_name_another_address(client, world, settings):
    settings.PARCELBACK_TRUSTED_PROXIES = [PROXY]
    for i in range(5):
        login(client, peer="192.0.2.10", forwarded=f"198.51.100.{i}")
    assert login(client, password="demo12345", peer="192.0.2.10", forwarded="198.51.100.99") == 429


def request(peer, forwarded=None):
    return SimpleNamespace(META={"REMOTE_ADDR": peer} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}))


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded", "client"),
    [
        ([], "192.0.2.10", "1.2.3.4", "192.0.2.10"),
        ([PROXY], PROXY, None, PROXY),
        ([PROXY], PROXY, "1.2.3.4", "1.2.3.4"),
        ([PROXY], PROXY, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the left-most hop is the client's own claim
        (["10.0.0.0/8"], PROXY, "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4"),  # two proxies in the trusted network
        ([PROXY], "192.0.2.10", "1.2.3.4", "192.0.2.10"),
        ([PROXY], PROXY, "not-an-address", PROXY),
        (["1"], "192.0.2.99", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # one proxy in front, whatever its address
        (["2"], "192.0.2.99", "6.6.6.6, 1.2.3.4, 10.1.1.1", "1.2.3.4"),
        (["2"], "192.0.2.99", "1.2.3.4", "192.0.2.99"),  # fewer hops than proxies: not through them all
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_address(settings, proxies, peer, forwarded, client):
    settings.PARCELBACK_TRUSTED_PROXIES = proxies
    assert client_address(request(peer, forwarded)) == client
