"""Events leaving the system: written in the same transaction as the change they announce (the outbox)."""
import uuid

from django.db import models
from django.utils import timezone

from parcelback.accounts.models import Organisation


class OutboxMessage(models.Model):
    """One event for the shop and the provider of an order; the worker turns it into signed deliveries."""

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=60)
    order_number = models.CharField(max_length=32, db_index=True)
    shop = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the worker has fanned the message out to the matching endpoints.
    dispatched_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.order_number}"
