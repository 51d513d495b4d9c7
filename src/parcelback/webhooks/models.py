"""Events leaving the system: written in the same transaction as the change they announce (the outbox)."""
import uuid

from django.db import models
from django.utils import timezone

from parcelback.accounts.models import Organisation
from parcelback.core.sealing import seal, unseal
from parcelback.reverse_orders.models import EventKind


class OutboxMessage(models.Model):
    """One event for the shop and the provider of an order; the worker turns it into signed deliveries."""

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=60)
    order_number = models.CharField(max_length=32, db_index=True)
    shop = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    # The organisation of whoever acted (none for the system or the platform admin): its people are not notified
    # of their own organisation's doing. Not in the payload, and no constraint (kept as history).
    actor_organisation_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the worker has fanned the message out to the matching endpoints.
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # The worker asks for the oldest undispatched messages every round; the outbox keeps every message ever
        # sent, so only an index of the waiting few keeps that question cheap (not a walk over all of them).
        indexes = [
            models.Index(fields=["id"], condition=models.Q(dispatched_at__isnull=True), name="outbox_waiting"),
            models.Index(fields=["created_at"], name="outbox_created"),  # the oldest first, for pruning
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.order_number}"


def event_type_of(kind: EventKind) -> str:
    """The webhook event type announcing a timeline kind: `exception_raised` → `exception.raised`,
    `handed_over` → `reverse_order.handed_over`."""
    if kind.startswith("exception_"):
        return "exception." + kind.removeprefix("exception_")
    return "reverse_order." + kind


# Timeline kinds that are announced, and the webhook event type each one becomes. Each wrong pickup code is on the
# timeline but not announced (one announcement, handover_locked, when they lock the code).
UNANNOUNCED_KINDS = {EventKind.HANDOVER_REFUSED}
EVENT_TYPE_OF_KIND = {kind: event_type_of(kind) for kind in EventKind if kind not in UNANNOUNCED_KINDS}
KIND_OF_EVENT_TYPE = {event_type: kind for kind, event_type in EVENT_TYPE_OF_KIND.items()}
EVENT_TYPES = list(EVENT_TYPE_OF_KIND.values())


SECRET_PURPOSE = "webhook-secret"


class WebhookEndpointQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "WebhookEndpointQuerySet":
        """An organisation sees and manages only its own endpoints."""
        if actor.organisation is None:
            return self.none()
        return self.filter(organisation_id=actor.organisation.pk)


class WebhookEndpoint(models.Model):
    """Where a shop's or warehouse's system wants to hear about its orders, and the secret it verifies with."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    # Empty means every event type.
    event_types = models.JSONField(default=list, blank=True)
    description = models.CharField(max_length=200, blank=True)
    # "whsec_" + base64, shown to the user once; kept because every delivery is signed with it, but only sealed
    # (core.sealing, under a key derived from SECRET_KEY): a copy of the database alone cannot forge a webhook.
    secret_sealed = models.TextField(editable=False)
    # After a rotation the old secret keeps signing beside the new one until `previous_secret_until`.
    previous_secret_sealed = models.TextField(editable=False, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    @property
    def secret(self) -> str:
        """The current signing secret, unsealed (only the worker and the one-time answers need it)."""
        return unseal(self.secret_sealed, purpose=SECRET_PURPOSE).decode()

    @secret.setter
    def secret(self, plain: str) -> None:
        self.secret_sealed = seal(plain, purpose=SECRET_PURPOSE)

    def signing_secrets(self, now) -> list[str]:
        """The secrets a delivery is signed with now: the current one, and the previous one during its overlap."""
        previous = self.previous_secret_sealed and self.previous_secret_until and self.previous_secret_until > now
        return [self.secret] + ([unseal(self.previous_secret_sealed, purpose=SECRET_PURPOSE).decode()] if previous else [])


class WebhookDelivery(models.Model):
    """One message owed to one endpoint: retried with backoff until it is accepted or 24 hours have passed.

    The row is also the job: a worker claims it by pushing `leased_until` forward with a conditional update,
    so several workers never send it at once, and a worker that dies mid-send leaves it to be sent again.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(OutboxMessage, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Retries stop here (24 hours after the message, or after a manual redeliver) and the delivery fails.
    retry_until = models.DateTimeField()
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "message"], name="webhook_delivery_once")]
        # Only pending deliveries are ever claimed, in due order: a small index of exactly those, read in order.
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"], condition=models.Q(state="pending"), name="webhook_delivery_due_pending"
            ),
            models.Index(fields=["retry_until"], name="webhook_delivery_retry_until"),  # the oldest first, for pruning
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    """The delivery log: each try, with the receiver's response code or the network error."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
