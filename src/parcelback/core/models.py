"""Shared plumbing models only (no business here)."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A write the client may retry: its first answer, replayed to the same user for the same route, key and body
    for 24 hours (never to another user, whose role may not allow the write)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=255)  # "POST /api/v1/…": a key names one request on one route
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still running.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The first answer sealed (core.sealing): it may carry a one-time secret such as a pickup code.
    sealed_response = models.TextField(blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "route", "key"], name="idempotency_key_once_per_user_route")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.route} {self.key}"


class RateCounter(models.Model):
    """A rate limit's count for one key (an API user and period) in its current window, when no Redis is set:
    one row per key, counted and reset by a single statement (core.limits.count_in_window). UNLOGGED on
    PostgreSQL (migration 0005): a write per API call without a flush of the write-ahead log."""

    key = models.CharField(max_length=200, primary_key=True)
    slot = models.BigIntegerField()  # which window: seconds since the epoch // the period
    hits = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key} {self.slot}: {self.hits}"
