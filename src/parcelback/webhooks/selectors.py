"""Reads of webhook endpoints and deliveries, each starting from the actor's own organisation's endpoints."""
from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .models import WebhookEndpoint


def endpoints_for(*, actor: Actor):
    return WebhookEndpoint.objects.visible_to(actor)


def deliveries_for(*, actor: Actor, endpoint_id: int, limit: int = 100):
    endpoint = endpoint_for(actor=actor, endpoint_id=endpoint_id)
    return endpoint.deliveries.select_related("message").prefetch_related("log").order_by("-id")[:limit]


def endpoint_for(*, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.visible_to(actor).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Refused(Code.NOT_FOUND, field="endpoint")
    return endpoint
