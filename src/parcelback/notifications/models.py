"""What each person is told about their organisation's orders: one row per announced event and recipient, the
in-app inbox today and the rows that email and the daily digest hang off later."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from parcelback.accounts.models import Organisation
from parcelback.webhooks.models import OutboxMessage


class Notification(models.Model):
    """One event for one person, so each person reads (and later is mailed) their own copy."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)  # an EventKind
    order_number = models.CharField(max_length=32)
    shop = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The outbox row it came from. No database constraint: webhooks prunes old messages on its own schedule, and
    # the id must still hold the (message, recipient) key so nobody is ever told twice.
    message = models.ForeignKey(OutboxMessage, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)  # when the event happened
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["message", "recipient"], name="notification_once")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The bell counts a person's unread rows on every page: only those are indexed.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_number} → {self.recipient_id}"


class NotificationCursor(models.Model):
    """How far the fan-out has read the outbox (one row): webhooks' own marker belongs to webhooks."""

    last_message_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
