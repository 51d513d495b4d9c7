"""Reads of webhook endpoints and deliveries, each starting from the actor's own organisation's endpoints."""
from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .models import WebhookEndpoint


def endpoints_for(*, actor: Actor):
    return WebhookEndpoint.objects.visible_to(actor)


def deliveries_for(*, actor: Actor, endpoint_id: int, limit: int = 100):
    endpoint = endpoint_for(actor=actor, endpoint_id=endpoint_id)
    return endpoint.deliveries.select_related("message").prefetch_related("log").order_by("-id")[:limit]


def delivery_log(*, endpoint: WebhookEndpoint):
    """The console's log of one endpoint (already resolved through `endpoint_for`), newest first; the
    payloads stay in the database, a page shows only what was sent when and how it was answered."""
    return endpoint.deliveries.select_related("message").defer("message__payload").order_by("-id")


def endpoint_for(*, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.visible_to(actor).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise Refused(Code.NOT_FOUND, field="endpoint")
    return endpoint
