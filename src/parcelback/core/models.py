"""Shared plumbing models only (no business here)."""
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A write the client may retry: its first answer, replayed for the same key and body for 24 hours."""

    scope = models.CharField(max_length=40)  # "org:<id>" (the token's organisation) or "user:<id>" for admins
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still running.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
