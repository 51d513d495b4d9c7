"""The webhook paths: separate worker processes delivering to a local receiver, one worker against four."""
import json
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.core.management.base import CommandError, OutputWrapper
from django.db import close_old_connections
from django.db.models import Max
from django.http import QueryDict
from django.utils import timezone

from parcelback.bench.context import Run, Sizes
from parcelback.bench.processes import busy_share, child, cpu_seconds, cpu_times
from parcelback.bench.receiver import Receiver
from parcelback.bench.report import Row
from parcelback.reverse_orders import selectors
from parcelback.reverse_orders.serializers import order_data
from parcelback.webhooks import signing
from parcelback.webhooks.delivery import Senders, fan_out
from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint

SENDERS = 8  # webhook senders per worker, as `parcelback worker` by default
RECEIVER_DELAY = 0.05  # seconds a "remote" webhook receiver takes to answer


def measure(run: Run, sizes: Sizes) -> list[Row]:
    """One worker against four, with a receiver that answers at once (our own cost per delivery) and with one
    that takes RECEIVER_DELAY (a remote receiver: the senders mostly wait)."""
    receiver = Receiver()
    endpoint = WebhookEndpoint.objects.create(organisation=run.world.shop, url=receiver.url, secret=signing.new_secret())
    rows = []
    try:
        for delay in (0.0, RECEIVER_DELAY):
            receiver.delay = delay
            one = deliver(run, endpoint, receiver, sizes, workers=1)
            four = deliver(run, endpoint, receiver, sizes, workers=4)
            rows += webhook_rows(sizes, delay, one, four)
    finally:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
        receiver.stop()
    return rows


def webhook_rows(sizes: Sizes, delay: float, one, four) -> list[Row]:
    receiver = f"a receiver answering in {delay * 1000:.0f} ms" if delay else "an instant receiver"
    rows = []
    for workers, (rate, delivered, attempts, duplicates, cpu, busy) in ((1, one), (4, four)):
        rows.append(
            Row(
                f"webhooks to {receiver}, {workers} worker{'s' if workers > 1 else ''} × {SENDERS} senders:"
                f" {delivered:,} of {sizes.webhooks:,} delivered, {attempts:,} attempts, workers' CPU {cpu:.1f} s,"
                f" machine's CPU {busy:.0%} busy",
                measured=f"{rate:,.0f}/s, {duplicates} duplicates",
            )
        )
    gain = four[0] / one[0] if one[0] else 0
    rows[1].target = "≥ 3× one worker, no duplicates"
    rows[1].measured = f"{four[0]:,.0f}/s = {gain:.2f}× one worker, {four[3]} duplicates"
    rows[1].met = gain >= 3 and one[3] == four[3] == 0 and one[1] == four[1] == sizes.webhooks
    return rows


def deliver(run: Run, endpoint, receiver: Receiver, sizes: Sizes, *, workers: int) -> tuple[float, int, int, int, float, float]:
    """Queue `sizes.webhooks` deliveries held back, start the workers, release the deliveries at once and
    wait until all are delivered (or time is up).
    Returns (deliveries/s, delivered, attempts, duplicates, the workers' CPU seconds, the machine's busy share)."""
    sample = selectors.order_list(actor=run.world.actor, params=QueryDict()).qs.first()
    payload = {"type": "reverse_order.created", "timestamp": timezone.now().isoformat(), "data": order_data(sample)}
    now = timezone.now()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            event_type="reverse_order.created", order_number=sample.number, shop_id=sample.shop_id,
            provider_id=sample.provider_id, payload=payload, created_at=now,
        )
        for _ in range(sizes.webhooks)
    )
    while fan_out(limit=1000):  # this and every other waiting message, so the workers only deliver
        pass
    ours = WebhookDelivery.objects.filter(endpoint=endpoint, message_id__in=[m.pk for m in messages])
    ours.update(next_attempt_at=now + timedelta(days=1))
    processes = [child("worker", {"seconds": sizes.webhook_seconds}) for _ in range(workers)]
    try:
        for process in processes:
            if process.stdout.readline().strip() != "ready":
                raise CommandError("a webhook worker did not start")
        released = timezone.now()
        ours.update(next_attempt_at=released)
        machine = cpu_times()
        deadline = time.monotonic() + sizes.webhook_seconds
        while ours.filter(state=WebhookDelivery.State.PENDING).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = busy_share(machine, cpu_times())
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        cpu = sum(json.loads(process.communicate(timeout=60)[0].strip().splitlines()[-1])["cpu"] for process in processes)
    delivered = ours.filter(state=WebhookDelivery.State.DELIVERED)
    count = delivered.count()
    last = delivered.aggregate(last=Max("delivered_at"))["last"] or released
    seconds = max((last - released).total_seconds(), 1e-3)
    attempts = DeliveryAttempt.objects.filter(delivery__in=ours).count()
    ids = {f"msg_{m.message_id.hex}" for m in messages}
    with receiver.lock:
        duplicates = sum(n - 1 for key, n in receiver.seen.items() if key in ids and n > 1)
    return count / seconds, count, attempts, duplicates, cpu, busy


def worker_child(stdout: OutputWrapper, *, seconds: float) -> None:
    """The worker's webhook loop (fan out, keep a pool of senders busy) until SIGTERM or `seconds`;
    the deadline sweep is left out so the benchmark data stays as generated."""
    running = [True]
    signal.signal(signal.SIGTERM, lambda *args: running.clear())
    deadline = time.monotonic() + seconds
    started = cpu_seconds()
    with ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook") as pool:
        senders = Senders(pool, SENDERS)
        stdout.write("ready")
        stdout.flush()
        while running and time.monotonic() < deadline:
            close_old_connections()
            if not (fan_out() | senders.step(timeout=0.05) or senders.sending):
                time.sleep(0.05)
        senders.finish()
    stdout.write(json.dumps({"cpu": cpu_seconds() - started}))  # CPU seconds of the rounds, not of starting up
