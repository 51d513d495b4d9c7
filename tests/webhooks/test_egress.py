"""No SSRF through webhooks (issue 10, finding 2): non-public targets are refused by default, in every spelling, on
the address actually connected to, and the delivery log says one generic thing about a refused target."""
import importlib
import socket
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.utils import timezone

from parcelback.webhooks import checks, delivery, egress
from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint

from ..helpers import assert_error

PUBLIC = "93.184.215.14"
real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def strict(settings):
    settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE = False


@pytest.fixture
def dns(monkeypatch):
    """Fake answers for names under .test and example.com (others resolve for real): {name: [answer per call]},
    an answer being one address or a tuple of them; the last answer repeats; no answer: the name does not exist."""
    answers: dict[str, list] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host.endswith((".test", "example.com")):
            queue = answers.get(host) or [None]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            if answer is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0))
                for a in ([answer] if isinstance(answer, str) else answer)
            ]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def deliver_to(world, *urls):
    """One message owed to an endpoint at each URL (stored as given, as an old row may be), then a worker round."""
    earlier = timezone.now() - timedelta(minutes=1)
    for url in urls:
        WebhookEndpoint.objects.create(organisation=world.shop1, url=url, secret="whsec_" + "A" * 44, created_at=earlier)
    OutboxMessage.objects.create(
        event_type="reverse_order.created", order_number="RV1", shop=world.shop1, provider=world.provider_a, payload={}
    )
    delivery.fan_out()
    delivery.deliver_due(limit=50)


def test_private_targets_are_refused_unless_the_setting_allows_them(monkeypatch):
    from parcelback import settings as module

    monkeypatch.delenv("PARCELBACK_WEBHOOK_ALLOW_PRIVATE", raising=False)
    assert importlib.reload(module).PARCELBACK_WEBHOOK_ALLOW_PRIVATE is False
    monkeypatch.setenv("PARCELBACK_WEBHOOK_ALLOW_PRIVATE", "1")
    assert importlib.reload(module).PARCELBACK_WEBHOOK_ALLOW_PRIVATE is True


def test_every_spelling_of_a_non_public_address_is_refused_with_one_generic_error(world, receiver, dns, strict):
    port = receiver.server.server_address[1]
    dns["internal.test"] = ["10.1.2.3"]
    dns["example.com"] = [PUBLIC]
    urls = [
        f"http://127.0.0.1:{port}/a", f"http://2130706433:{port}/b", f"http://0x7f000001:{port}/c",
        f"http://127.1:{port}/d", f"http://0:{port}/e", f"http://017700000001:{port}/f",
        f"http://[::ffff:127.0.0.1]:{port}/g", f"http://[::1]:{port}/h", f"http://localhost:{port}/i",
        f"http://127.0.0.1:{port}\\@example.com/j",  # the old guard saw example.com, the client 127.0.0.1
        "http://127.0.0.1:9/closed-port", "http://[fd00::1]/k", "http://169.254.169.254/latest/meta-data",
        "http://224.0.0.1/l", "http://240.0.0.1/m", "http://100.64.0.1/n", "http://internal.test/o",
        "http://[64:ff9b::7f00:1]/p", "http://nowhere.test/unresolvable",
    ]
    deliver_to(world, *urls)
    assert receiver.received == []
    assert WebhookDelivery.objects.count() == len(urls)
    # The same answer for an open port, a closed one and a name that does not resolve: no map of the network.
    assert set(WebhookDelivery.objects.values_list("state", "last_status_code", "last_error")) == {
        ("pending", None, egress.NOT_ALLOWED)
    }
    assert set(DeliveryAttempt.objects.values_list("status_code", "error")) == {(None, egress.NOT_ALLOWED)}


def test_a_name_resolving_to_one_private_address_among_public_ones_is_refused(world, receiver, dns, strict):
    dns["mixed.test"] = [(PUBLIC, "127.0.0.1")]
    deliver_to(world, f"http://mixed.test:{receiver.server.server_address[1]}/hook")
    assert receiver.received == []
    assert WebhookDelivery.objects.get().last_error == egress.NOT_ALLOWED


def test_dns_rebinding_cannot_pass_the_worker_connects_to_the_address_it_checked(world, receiver, dns, strict, monkeypatch):
    """The name answers a public address to the check and the receiver's 127.0.0.1 to anyone asking again: the
    worker asks once and connects there, with the name in Host and for TLS."""
    port = receiver.server.server_address[1]
    dns["rebind.test"] = [PUBLIC, "127.0.0.1"]
    connected = []

    def connection_from_host(host, port=None, scheme="http", pool_kwargs=None):
        connected.append((host, port, scheme, pool_kwargs))
        raise OSError("no network in tests")

    monkeypatch.setattr(delivery._http, "connection_from_host", connection_from_host)
    deliver_to(world, f"https://rebind.test:{port}/hook")
    assert receiver.received == []
    assert connected == [(PUBLIC, port, "https", {"server_hostname": "rebind.test", "assert_hostname": "rebind.test"})]


def test_the_host_header_names_the_endpoints_host_not_the_address(world, receiver, dns):
    port = receiver.server.server_address[1]
    dns["receiver.test"] = ["127.0.0.1"]
    deliver_to(world, f"http://receiver.test:{port}/hooks")  # allowed: the test receiver is on 127.0.0.1
    [(headers, _body)] = receiver.received
    assert headers["host"] == f"receiver.test:{port}"
    assert WebhookDelivery.objects.get().state == "delivered"


@pytest.mark.parametrize(
    "address, public",
    [("8.8.8.8", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.5.4", False),
     ("192.168.1.1", False), ("169.254.169.254", False), ("0.0.0.0", False), ("100.64.0.1", False),
     ("224.0.0.251", False), ("255.255.255.255", False), ("::1", False), ("::", False), ("fd00::1", False),
     ("fe80::1", False), ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:8.8.8.8", False),
     ("64:ff9b::a00:1", False), ("2002:7f00:1::", False), ("fec0::1", False)],
)
def test_only_global_unicast_addresses_are_public(address, public):
    assert egress.is_public(address) is public


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9202\\@example.com/x", "http://user:pw@erp.example.com/", "http:///nohost",
     "http://erp.example.com:99999/", "https://erp.example.com/a b"],
)
def test_registering_a_url_the_client_could_read_otherwise_is_refused(api, world, strict, url):
    assert_error(api(world.merchant1).post("/webhook-endpoints", {"url": url}), 400, "invalid", field="url")
    assert WebhookEndpoint.objects.count() == 0


def test_check_deploy_warns_while_private_targets_are_allowed(settings):
    def warnings():
        return [m.id for m in run_checks(include_deployment_checks=True) if m.id == checks.ALLOW_PRIVATE_ON]

    settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE = True
    assert warnings() == [checks.ALLOW_PRIVATE_ON]
    settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE = False
    assert warnings() == []
