"""Webhook endpoint actions: register and rotate the secret (each new secret is shown once), remove, redeliver."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Role
from parcelback.core.errors import Code, Refused

from . import egress, signing
from .models import EVENT_TYPES, DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from .selectors import endpoint_for

MANAGERS = frozenset({Role.MERCHANT_OPERATOR, Role.PROVIDER_OPERATOR})
MAX_ENDPOINTS = 20
# How long the old secret keeps signing beside the new one after a rotation: time to deploy the new one.
ROTATION_OVERLAP = timedelta(hours=24)


def _manager(actor: Actor) -> None:
    if actor.role not in MANAGERS or actor.organisation is None:
        raise Refused(Code.NOT_PERMITTED)


def create_endpoint(*, actor: Actor, url: str, event_types: list[str], description: str = "") -> tuple[WebhookEndpoint, str]:
    """A shop or warehouse asks to be told about its orders; returns the endpoint and its secret, shown once."""
    _manager(actor)
    errors = {}
    if problem := egress.url_problem(url):
        errors["url"] = problem
    if any(t not in EVENT_TYPES for t in event_types):
        errors["event_types"] = "invalid_choice"
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        if WebhookEndpoint.objects.visible_to(actor).count() >= MAX_ENDPOINTS:
            raise Refused(Code.TOO_MANY_ENDPOINTS)
        secret = signing.new_secret()
        endpoint = WebhookEndpoint.objects.create(
            organisation=actor.organisation, url=url, event_types=sorted(set(event_types)), description=description, secret=secret
        )
    return endpoint, secret


def delete_endpoint(*, actor: Actor, endpoint_id: int) -> None:
    """Stop sending to an endpoint; its deliveries (pending ones too) and their log go with it, at any moment.

    One transaction, locks in a fixed order: the endpoint (a worker fanning out to it waits, then no longer sees
    it), then its deliveries (a worker recording an outcome for one finishes first, or finds it gone)."""
    endpoint_for(actor=actor, endpoint_id=endpoint_id)
    _manager(actor)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.visible_to(actor).select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:  # deleted meanwhile by someone else: done all the same
            return
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
        list(deliveries.select_for_update().order_by("pk").values_list("pk", flat=True))
        DeliveryAttempt.objects.filter(delivery__endpoint=endpoint).delete()
        deliveries.delete()
        endpoint.delete()


def rotate_secret(
    *, actor: Actor, endpoint_id: int, overlap: timedelta = ROTATION_OVERLAP
) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (routine hygiene, or the old one leaked), shown once; deliveries carry both signatures
    for `overlap`, so the receiver switches without refusing a webhook. Rotating again drops the oldest."""
    endpoint_for(actor=actor, endpoint_id=endpoint_id)
    _manager(actor)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.visible_to(actor).select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:
            raise Refused(Code.NOT_FOUND, field="endpoint")
        secret = signing.new_secret()
        endpoint.previous_secret_sealed, endpoint.previous_secret_until = endpoint.secret_sealed, timezone.now() + overlap
        endpoint.secret = secret
        endpoint.save(update_fields=["secret_sealed", "previous_secret_sealed", "previous_secret_until"])
    return endpoint, secret


def redeliver(*, actor: Actor, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a message again now (for a receiver that was down longer than the retry window), with a new window."""
    endpoint = endpoint_for(actor=actor, endpoint_id=endpoint_id)
    _manager(actor)
    delivery = endpoint.deliveries.filter(pk=delivery_id).first()
    if delivery is None:
        raise Refused(Code.NOT_FOUND, field="delivery")
    now = timezone.now()
    endpoint.deliveries.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.PENDING, next_attempt_at=now, retry_until=now + timedelta(hours=24), leased_until=None
    )
    delivery.refresh_from_db()
    return delivery
