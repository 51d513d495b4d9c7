"""Reads of a person's notifications: only their own, and only of the organisation they work for now."""
from django.db.models import Q

from parcelback.accounts.actors import Actor

from .models import Notification

ORDERING = ("-created_at", "-id")


def notifications_for(*, actor: Actor):
    """The actor's inbox, newest first; someone who moved organisation no longer sees the old one's."""
    if actor.user_id is None or actor.organisation is None:
        return Notification.objects.none()
    organisation_id = actor.organisation.pk
    return Notification.objects.filter(
        Q(shop_id=organisation_id) | Q(provider_id=organisation_id), recipient_id=actor.user_id
    ).order_by(*ORDERING)


def unread_count(*, actor: Actor) -> int:
    return notifications_for(actor=actor).filter(read_at__isnull=True).count()
