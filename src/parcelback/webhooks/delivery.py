"""The webhook jobs: fan the outbox out to endpoints, then deliver each message, signed, at least once.

Both run in `parcelback worker`, any number of them at once. The rows are the queue: a worker claims work with
a conditional update (or a skip-locked row lock for the outbox), never by trusting that it is alone.
"""
import json
import logging
import random
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

import urllib3
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from . import egress, signing
from .models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("parcelback.webhooks")

RETRY_FOR = timedelta(hours=24)
LEASE = timedelta(seconds=60)  # longer than TIMEOUT: a live worker always finishes before its lease ends
TIMEOUT = 15  # seconds for one send, connecting included
FIRST_DELAY = 30  # seconds; doubles each attempt, capped, with ±20% jitter so retries do not stampede
MAX_DELAY = 3600
BATCH = 100
# Deliveries one worker leases at a time: with 8 senders, two rounds of the 15 s timeout fit in the lease.
CLAIM = 16


def fan_out(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Turn undispatched outbox messages into one pending delivery per endpoint that wants the event; returns how
    many messages were dispatched (so the worker knows whether more may be waiting)."""
    now = now or timezone.now()
    with transaction.atomic():
        pending = OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)  # SQLite instead serialises writers
        messages = list(pending[:limit])
        if not messages:
            return 0
        orgs = {m.shop_id for m in messages} | {m.provider_id for m in messages}
        endpoints = WebhookEndpoint.objects.filter(is_active=True, organisation_id__in=orgs).order_by("id")
        if connection.features.has_select_for_update:
            # Held until the deliveries are written: an endpoint being deleted right now is waited for, then gone.
            endpoints = endpoints.select_for_update(no_key=connection.features.has_select_for_no_key_update)
        endpoints = list(endpoints)
        deliveries = [
            WebhookDelivery(endpoint=e, message=m, next_attempt_at=now, retry_until=m.created_at + RETRY_FOR, created_at=now)
            for m in messages
            for e in endpoints
            # An endpoint hears about what happens from its registration on, not the backlog before it.
            if e.organisation_id in (m.shop_id, m.provider_id) and e.wants(m.event_type) and e.created_at <= m.created_at
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(dispatched_at=now)
    return len(messages)


def prune(*, now: datetime | None = None, batch: int = 1000, rounds: int = 20) -> dict[str, int]:
    """Forget webhook history older than PARCELBACK_WEBHOOK_KEEP_DAYS: finished deliveries (their retry window
    over that long ago) with their attempts, then sent messages no delivery refers to any more. `batch` rows per
    transaction, oldest first, at most `rounds` batches of each per call: a long backlog is worked off over
    several sweeps (~20,000 rows a second on PostgreSQL here) while the worker keeps sending in between."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PARCELBACK_WEBHOOK_KEEP_DAYS)
    State = WebhookDelivery.State
    finished = WebhookDelivery.objects.filter(retry_until__lt=cutoff, state__in=[State.DELIVERED, State.FAILED])
    sent = OutboxMessage.objects.filter(created_at__lt=cutoff, dispatched_at__isnull=False).exclude(
        Exists(WebhookDelivery.objects.filter(message=OuterRef("pk")))
    )
    return {
        "deliveries pruned": _delete_oldest(finished.order_by("retry_until"), batch, rounds),
        "messages pruned": _delete_oldest(sent.order_by("created_at"), batch, rounds),
    }


def _delete_oldest(queryset, batch: int, rounds: int) -> int:
    deleted = 0
    for _round in range(rounds):
        if not (ids := list(queryset.values_list("pk", flat=True)[:batch])):
            break
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=ids).delete()  # a delivery's attempts go with it
        deleted += len(ids)
    return deleted


def _claimable(now: datetime):
    return WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    )


# Connections are kept per endpoint host and reused by the next webhook to it: a busy endpoint costs one TCP (and
# TLS) handshake per sender, not one per message. Up to 32 are kept per host (`--concurrency` above that opens the
# rest afresh each time). Redirects are answers other than 2xx: retried, never followed.
_http = urllib3.PoolManager(num_pools=100, maxsize=32, retries=False, timeout=urllib3.Timeout(total=TIMEOUT))
KEEP_BODY = 64 * 1024  # an acknowledgement longer than this (or of unknown length) is not read: its connection is dropped


def send(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed message once, to the address checked for this very attempt; (status code, error text)."""
    try:
        target = egress.resolve(delivery.endpoint.url)
    except egress.NotAllowed as refused:
        return None, str(refused)
    message = delivery.message
    body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signing.headers(
        delivery.endpoint.signing_secrets(timezone.now()), f"msg_{message.message_id.hex}", int(time.time()), body
    )
    headers["host"] = target.host_header
    try:
        # One pool per checked address (and, for TLS, host name): a kept-alive connection is to a checked address.
        pool = _http.connection_from_host(target.address, port=target.port, scheme=target.scheme, pool_kwargs=target.tls)
        response = pool.urlopen(
            "POST", target.path, body=body, headers=headers, redirect=False, retries=False, preload_content=False,
            assert_same_host=False,
        )
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", None) or error)[:300]
    try:
        if response.length_remaining is not None and response.length_remaining <= KEEP_BODY:
            response.drain_conn()  # read to the end, so the connection can carry the next webhook
            response.release_conn()
        else:
            response.close()
    except (urllib3.exceptions.HTTPError, OSError):
        response.close()  # the status stands; only this connection is not reused
    return response.status, ""


def backoff(attempts: int) -> timedelta:
    delay = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))


@dataclass
class Outcome:
    """What one send of a leased delivery came to, kept until the round's outcomes are recorded together."""

    delivery: WebhookDelivery
    status: int | None
    error: str
    at: datetime
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


RECORDED = ["state", "last_status_code", "last_error", "leased_until", "delivered_at", "next_attempt_at"]


def attempt(delivery: WebhookDelivery) -> Outcome:
    """Send one leased delivery. No database work, so a sender thread needs no connection of its own."""
    started = time.monotonic()
    try:
        status, error = send(delivery)
    except Exception:  # a bug or a bad row (a secret that no longer unseals): one failed attempt, not a dead sender
        logger.exception("webhook delivery %s could not be sent", delivery.pk)
        status, error = None, "internal error"
    return Outcome(delivery, status, error, timezone.now(), int((time.monotonic() - started) * 1000))


def record(outcomes: list[Outcome]) -> None:
    """Mark every outcome of a round in one transaction: delivered on 2xx, else retry later, or failed once the
    retry window has passed. One commit per round, not per delivery: workers share the database's writes. Should
    the batch fail for one bad row, each outcome is recorded on its own, so the others are not held up."""
    for outcome in outcomes:
        delivery = outcome.delivery
        delivery.last_status_code, delivery.last_error, delivery.leased_until = outcome.status, outcome.error, None
        if outcome.ok:
            delivery.state, delivery.delivered_at = WebhookDelivery.State.DELIVERED, outcome.at
            continue
        logger.info("webhook %s to %s: %s %s", delivery.message.event_type, delivery.endpoint.url, outcome.status, outcome.error)
        retry_at = outcome.at + backoff(delivery.attempts)
        if retry_at > delivery.retry_until:
            delivery.state = WebhookDelivery.State.FAILED
        else:
            delivery.next_attempt_at = retry_at
    try:
        _write(outcomes)
    except OperationalError:
        raise  # the database is busy: the caller records the same outcomes again
    except Exception:
        logger.exception("recording %s webhook outcomes failed; recording them one by one", len(outcomes))
        for outcome in outcomes:
            try:
                _write([outcome])
            except OperationalError:
                raise
            except Exception:  # left leased: sent again when the lease ends
                logger.exception("recording webhook delivery %s failed", outcome.delivery.pk)


def _write(outcomes: list[Outcome]) -> None:
    """Only deliveries that still exist are written: their endpoint may have been deleted during the send. The
    rows are locked in id order first, so a deletion under way is waited for (and one that comes later waits)."""
    with transaction.atomic():
        ids = sorted(o.delivery.pk for o in outcomes)
        alive = set(WebhookDelivery.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        kept = [o for o in outcomes if o.delivery.pk in alive]
        WebhookDelivery.objects.bulk_update([o.delivery for o in kept], RECORDED)
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(delivery=o.delivery, at=o.at, status_code=o.status, error=o.error, duration_ms=o.duration_ms)
            for o in kept
        )


def claim_due(*, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Lease up to `limit` due deliveries to this worker in one transaction. Rows another worker is leasing
    right now are skipped (PostgreSQL) or waited for (SQLite serialises writers), never taken twice."""
    with transaction.atomic():
        due = _claimable(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(leased_until=now + LEASE, attempts=F("attempts") + 1)
    return list(WebhookDelivery.objects.select_related("endpoint", "message").filter(pk__in=ids).order_by("id"))


def deliver_due(*, limit: int = CLAIM, pool: ThreadPoolExecutor | None = None) -> int:
    """One round: lease up to `limit` due deliveries, send them (in `pool`'s threads when given), record the
    outcomes together. `limit` stays small enough that every send ends within the lease. Returns how many were
    attempted. `parcelback worker --once` and single-threaded workers use it; a worker's pool uses `Senders`."""
    deliveries = claim_due(now=timezone.now(), limit=limit)
    if deliveries:
        record(list(pool.map(attempt, deliveries)) if pool else [attempt(d) for d in deliveries])
    return len(deliveries)


class Senders:
    """A worker's pool of senders, kept busy: as soon as half of them are free it leases more due deliveries, and it
    records outcomes as they come in, a batch per transaction. One slow receiver holds one sender, not a round."""

    def __init__(self, pool: ThreadPoolExecutor, size: int):
        self.pool, self.size = pool, size
        self.sending: set[Future] = set()

    def step(self, *, timeout: float) -> int:
        """Record finished sends and lease more if half the senders are free; then wait up to `timeout` seconds
        for half of what is in flight to finish. Returns how many deliveries were recorded or leased."""
        finished = {f for f in self.sending if f.done()}
        if finished:
            record([f.result() for f in finished])
            self.sending -= finished  # only once recorded: a failed write is tried again on the next step
        # Leased deliveries queue behind at most one send each (2 × size in flight), well within the lease.
        room = 2 * self.size - len(self.sending)
        leased = claim_due(now=timezone.now(), limit=room) if room >= self.size else []
        self.sending |= {self.pool.submit(attempt, d) for d in leased}
        self._wait(timeout)
        return len(finished) + len(leased)

    def _wait(self, timeout: float) -> None:
        """Until no more than `size` sends are pending and one has finished (so the next step records a batch and
        leases another), or nothing is pending, or `timeout` has passed."""
        deadline = time.monotonic() + timeout
        while True:
            pending = [f for f in self.sending if not f.done()]
            left = deadline - time.monotonic()
            if not pending or left <= 0 or len(pending) <= min(self.size, len(self.sending) - 1):
                return
            wait(pending, timeout=left, return_when=FIRST_COMPLETED)

    def finish(self) -> None:
        """Wait for every send in flight and record it (a stopping worker leaves nothing to be sent twice)."""
        if self.sending:
            record([f.result() for f in self.sending])
            self.sending = set()
