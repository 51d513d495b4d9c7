"""The webhook jobs: fan the outbox out to endpoints, then deliver each message, signed, at least once.

Both run in `parcelback worker`, any number of them at once. The rows are the queue: a worker claims work with
a conditional update (or a skip-locked row lock for the outbox), never by trusting that it is alone.
"""
import ipaddress
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import signing
from .models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger("parcelback.webhooks")

RETRY_FOR = timedelta(hours=24)
LEASE = timedelta(seconds=60)  # longer than TIMEOUT: a live worker always finishes before its lease ends
TIMEOUT = 15
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
        endpoints = list(WebhookEndpoint.objects.filter(is_active=True, organisation_id__in=orgs))
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


def _claimable(now: datetime):
    return WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lte=now)
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer other than 2xx: retried, never followed


_opener = urllib.request.build_opener(_NoRedirects)


def blocked_address(url: str) -> bool:
    """True when the URL's host resolves to a private, loopback or link-local address and those are not allowed:
    a shop's endpoint must not make the worker call the installation's own network."""
    if settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE:
        return False
    try:
        infos = socket.getaddrinfo(urlsplit(url).hostname, None)
    except (OSError, UnicodeError):
        return False  # the send itself will fail and be retried
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


def send(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the signed message once; (status code, error text)."""
    if blocked_address(delivery.endpoint.url):
        return None, "blocked: the endpoint resolves to a private address"
    message = delivery.message
    body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signing.headers(delivery.endpoint.secret, f"msg_{message.message_id.hex}", int(time.time()), body)
    request = urllib.request.Request(delivery.endpoint.url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:300]


def backoff(attempts: int) -> timedelta:
    delay = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))


def record(delivery: WebhookDelivery, status: int | None, error: str, *, now: datetime, duration_ms: int = 0) -> None:
    """Mark the outcome: delivered on 2xx, else retry later, or failed once the retry window has passed."""
    fields = {"last_status_code": status, "last_error": error, "leased_until": None}
    if status is not None and 200 <= status < 300:
        fields |= {"state": WebhookDelivery.State.DELIVERED, "delivered_at": now}
    else:
        retry_at = now + backoff(delivery.attempts)
        if retry_at > delivery.retry_until:
            fields["state"] = WebhookDelivery.State.FAILED
        else:
            fields["next_attempt_at"] = retry_at
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        DeliveryAttempt.objects.create(delivery=delivery, at=now, status_code=status, error=error, duration_ms=duration_ms)
    for name, value in fields.items():
        setattr(delivery, name, value)


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


def _deliver(delivery: WebhookDelivery) -> None:
    """Send one leased delivery and record the outcome."""
    started = time.monotonic()
    status, error = send(delivery)
    record(delivery, status, error, now=timezone.now(), duration_ms=int((time.monotonic() - started) * 1000))
    if error or (status or 0) >= 300:
        logger.info("webhook %s to %s: %s %s", delivery.message.event_type, delivery.endpoint.url, status, error)


def _deliver_in_thread(delivery: WebhookDelivery) -> None:
    try:
        _deliver(delivery)
    finally:
        close_old_connections()  # each pool thread has its own connection; keep it only as long as settings say


def deliver_due(*, limit: int = CLAIM, pool: ThreadPoolExecutor | None = None) -> int:
    """Lease up to `limit` due deliveries at once and send them, in `pool`'s threads when given (so one slow
    receiver does not hold up the rest). `limit` stays small enough that every send ends within the lease.
    Returns how many were attempted."""
    deliveries = claim_due(now=timezone.now(), limit=limit)
    if pool is None:
        for delivery in deliveries:
            _deliver(delivery)
    else:
        list(pool.map(_deliver_in_thread, deliveries))
    return len(deliveries)
