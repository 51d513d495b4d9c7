import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from standardwebhooks import Webhook

from parcelback.reverse_orders import services
from parcelback.webhooks import delivery
from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint

from ..factories import ReverseOrderFactory


@pytest.fixture
def order(world):
    return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)


def subscribe(api, actor, url, event_types=()):
    response = api(actor).post("/webhook-endpoints", {"url": url, "event_types": list(event_types)})
    assert response.status_code == 201, response.content
    return response.json()


def run_worker():
    delivery.fan_out()
    return delivery.deliver_due()


def test_a_change_arrives_signed_in_standard_webhooks_format(api, world, receiver, order):
    endpoint = subscribe(api, world.merchant1, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    api(world.provider1).post(f"/reverse-orders/{order.number}/cancel", {"reason": "重复建单"})
    assert run_worker() == 1
    ((headers, body),) = receiver.received
    payload = Webhook(endpoint["secret"]).verify(body, headers)  # raises unless the signature is right
    assert payload["type"] == "reverse_order.cancelled"
    assert payload["data"]["number"] == order.number and payload["data"]["status"] == "cancelled"
    assert payload["data"]["event"] == {"reason": "重复建单"}
    assert headers["webhook-id"].startswith("msg_") and headers["webhook-signature"].startswith("v1,")
    row = WebhookDelivery.objects.get()
    assert (row.state, row.attempts, row.last_status_code) == ("delivered", 1, 200)


def test_a_tampered_body_does_not_verify(api, world, receiver, order):
    from standardwebhooks.webhooks import WebhookVerificationError

    endpoint = subscribe(api, world.merchant1, receiver.url)
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    run_worker()
    ((headers, body),) = receiver.received
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(body.replace(b"cancelled", b"destroyed"), headers)


def test_receiver_answering_500_then_200_gets_the_same_webhook_id_again(api, world, receiver, order):
    subscribe(api, world.merchant1, receiver.url)
    receiver.statuses = [500]
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    before = timezone.now()
    run_worker()
    row = WebhookDelivery.objects.get()
    assert (row.state, row.attempts, row.last_status_code) == ("pending", 1, 500)
    # First retry after about 30 seconds (exponential backoff with ±20% jitter).
    assert before + timedelta(seconds=23) < row.next_attempt_at < timezone.now() + timedelta(seconds=37)
    assert run_worker() == 0  # not due yet
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert run_worker() == 1
    first, second = receiver.received
    assert first[0]["webhook-id"] == second[0]["webhook-id"] and first[1] == second[1]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("delivered", 2)
    assert list(DeliveryAttempt.objects.values_list("status_code", flat=True)) == [500, 200]


def test_worker_killed_between_sending_and_marking_sends_again_never_loses(api, world, receiver, order):
    subscribe(api, world.merchant1, receiver.url)
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    delivery.fan_out()
    [leased] = delivery.claim_due(now=timezone.now(), limit=10)
    delivery.send(leased)  # ...and the worker dies
    assert delivery.claim_due(now=timezone.now(), limit=10) == []  # another worker cannot take it while leased
    assert delivery.deliver_due() == 0
    WebhookDelivery.objects.update(leased_until=timezone.now() - timedelta(seconds=1))  # the lease runs out
    assert delivery.deliver_due() == 1
    assert [h["webhook-id"] for h, _b in receiver.received] == [receiver.received[0][0]["webhook-id"]] * 2
    assert WebhookDelivery.objects.get().state == "delivered"


def test_gives_up_after_the_retry_window(api, world, receiver, order):
    subscribe(api, world.merchant1, receiver.url)
    receiver.statuses = [503]
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    delivery.fan_out()
    WebhookDelivery.objects.update(retry_until=timezone.now() + timedelta(seconds=5))
    delivery.deliver_due()
    row = WebhookDelivery.objects.get()
    assert (row.state, row.last_status_code) == ("failed", 503)


def test_unreachable_receiver_is_retried_with_the_error_logged(world, order, allow_private):
    WebhookEndpoint.objects.create(organisation=world.shop1, url="http://127.0.0.1:9/closed", secret="whsec_" + "A" * 44)
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    run_worker()
    row = WebhookDelivery.objects.get()
    assert row.state == "pending" and row.last_status_code is None and row.last_error


def test_backoff_grows_exponentially_with_jitter():
    for attempts, base in [(1, 30), (2, 60), (5, 480), (20, 3600)]:
        delay = delivery.backoff(attempts).total_seconds()
        assert base * 0.8 <= delay <= base * 1.2


def test_fans_out_only_to_interested_endpoints_of_the_orders_shop_and_provider(api, world, receiver, order):
    subscribe(api, world.merchant1, receiver.url)  # every event
    subscribe(api, world.merchant1, receiver.url + "/exceptions", ["exception.raised"])
    subscribe(api, world.provider1, receiver.url + "/provider")
    subscribe(api, world.merchant2, receiver.url + "/other-shop")
    subscribe(api, world.provider2, receiver.url + "/other-provider")
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    assert delivery.fan_out() == 1  # one message...
    assert sorted(WebhookDelivery.objects.values_list("endpoint__url", flat=True)) == [receiver.url, receiver.url + "/provider"]
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 0
    assert delivery.fan_out() == 0  # ...fanned out once, to two endpoints


def test_worker_command_runs_every_job_once(api, world, receiver, order, monkeypatch):
    from parcelback.worker import loop

    monkeypatch.setattr(loop, "close_old_connections", lambda: None)  # it would close the test's transaction
    subscribe(api, world.merchant1, receiver.url)
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    call_command("worker", "--once", "--concurrency", "1", stdout=__import__("io").StringIO())
    assert len(receiver.received) == 1


def test_an_endpoint_does_not_receive_events_from_before_it_was_registered(api, world, receiver, order):
    services.cancel(actor=world.provider1, number=order.number, reason="x")
    subscribe(api, world.merchant1, receiver.url)
    assert delivery.fan_out() == 1
    assert WebhookDelivery.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_send_each_delivery_once(world, receiver):
    from django.db import connection

    endpoint = WebhookEndpoint.objects.create(
        organisation=world.shop1, url=receiver.url, secret="whsec_" + "A" * 44, created_at=timezone.now() - timedelta(minutes=1)
    )
    OutboxMessage.objects.bulk_create(
        OutboxMessage(event_type="reverse_order.created", order_number=f"RV{i}", shop=world.shop1, provider=world.provider_a, payload={"n": i})
        for i in range(30)
    )
    delivery.fan_out()
    start = threading.Barrier(3)

    def worker(pool):
        start.wait()
        while delivery.deliver_due(limit=5, pool=pool):
            pass
        connection.close()

    # Three workers, one of them sending from a pool of threads as `parcelback worker` does.
    pool = ThreadPoolExecutor(4)
    threads = [threading.Thread(target=worker, args=(p,)) for p in (None, None, pool)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    everyone = threading.Barrier(4)  # each pool thread closes its own database connection

    def close(_):
        everyone.wait(10)
        connection.close()

    list(pool.map(close, range(4)))
    pool.shutdown()
    ids = [headers["webhook-id"] for headers, _body in receiver.received]
    assert len(ids) == len(set(ids)) == 30
    assert WebhookDelivery.objects.filter(endpoint=endpoint, state="delivered", attempts=1).count() == 30


def test_webhooks_to_one_endpoint_reuse_the_connection(world, allow_private):
    """A receiver that keeps connections open gets the next webhook on the same one (no new TCP/TLS handshake)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    peers = []

    class KeepAlive(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            peers.append(self.client_address)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = WebhookEndpoint.objects.create(
            organisation=world.shop1, url=f"http://127.0.0.1:{server.server_address[1]}/keep", secret="whsec_" + "A" * 44,
            created_at=timezone.now() - timedelta(minutes=1),
        )
        OutboxMessage.objects.bulk_create(
            OutboxMessage(event_type="reverse_order.created", order_number=f"RV{i}", shop=world.shop1, provider=world.provider_a, payload={"n": i})
            for i in range(3)
        )
        delivery.fan_out()
        assert delivery.deliver_due() == 3  # one after another, in this thread
    finally:
        server.shutdown()
        server.server_close()
    assert WebhookDelivery.objects.filter(endpoint=endpoint, state="delivered").count() == 3
    assert len(peers) == 3 and len(set(peers)) == 1


def test_a_slow_receiver_holds_one_sender_not_the_rest(world, receiver):
    """The worker's senders are topped up as they free up: ten webhooks to a quick receiver go out while one
    to a stuck receiver is still waiting for its answer."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    release = threading.Event()

    class Stuck(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            release.wait(10)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    stuck = ThreadingHTTPServer(("127.0.0.1", 0), Stuck)
    threading.Thread(target=stuck.serve_forever, daemon=True).start()
    earlier = timezone.now() - timedelta(minutes=1)
    secret = "whsec_" + "A" * 44
    WebhookEndpoint.objects.create(
        organisation=world.shop1, url=f"http://127.0.0.1:{stuck.server_address[1]}/stuck", secret=secret,
        event_types=["exception.raised"], created_at=earlier,
    )
    WebhookEndpoint.objects.create(organisation=world.shop1, url=receiver.url, secret=secret, created_at=earlier)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(event_type=kind, order_number=f"RV{i}", shop=world.shop1, provider=world.provider_a, payload={"n": i})
        for i, kind in enumerate(["exception.raised"] + ["reverse_order.created"] * 10)
    )
    delivery.fan_out()
    with ThreadPoolExecutor(2) as pool:
        senders = delivery.Senders(pool, 2)
        try:
            deadline = time.monotonic() + 10
            while len(receiver.received) < 11 and time.monotonic() < deadline:
                senders.step(timeout=0.1)
            assert len(receiver.received) == 11 and not release.is_set()  # the stuck one is still in flight
            release.set()
            senders.finish()
        finally:
            release.set()
            stuck.shutdown()
            stuck.server_close()
    assert WebhookDelivery.objects.filter(state="delivered").count() == 12


def test_a_redirect_is_an_answer_to_retry_never_followed(world, allow_private):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    paths = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            paths.append(self.path)
            self.send_response(302 if self.path == "/hook" else 200)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        WebhookEndpoint.objects.create(
            organisation=world.shop1, url=f"http://127.0.0.1:{server.server_address[1]}/hook", secret="whsec_" + "A" * 44,
            created_at=timezone.now() - timedelta(minutes=1),
        )
        OutboxMessage.objects.create(
            event_type="reverse_order.created", order_number="RV1", shop=world.shop1, provider=world.provider_a, payload={}
        )
        assert run_worker() == 1
    finally:
        server.shutdown()
        server.server_close()
    row = WebhookDelivery.objects.get()
    assert paths == ["/hook"]
    assert (row.state, row.last_status_code) == ("pending", 302)
