"""Webhook endpoint actions: register (the secret is shown once), remove, redeliver."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Role
from parcelback.core.errors import Code, Refused

from . import signing
from .models import EVENT_TYPES, WebhookDelivery, WebhookEndpoint
from .selectors import endpoint_for

MANAGERS = frozenset({Role.MERCHANT_OPERATOR, Role.PROVIDER_OPERATOR})
MAX_ENDPOINTS = 20


def _manager(actor: Actor) -> None:
    if actor.role not in MANAGERS or actor.organisation is None:
        raise Refused(Code.NOT_PERMITTED)


def create_endpoint(*, actor: Actor, url: str, event_types: list[str], description: str = "") -> tuple[WebhookEndpoint, str]:
    """A shop or warehouse asks to be told about its orders; returns the endpoint and its secret, shown once."""
    _manager(actor)
    errors = {}
    if not url.lower().startswith(("https://", "http://")):
        errors["url"] = "invalid_url"
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
    """Stop sending to an endpoint; its pending deliveries go with it."""
    endpoint = endpoint_for(actor=actor, endpoint_id=endpoint_id)
    _manager(actor)
    endpoint.delete()


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
