"""The bell's unread count on every console page: one COUNT, only when a signed-in page shows it."""
from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None or actor.user_id is None:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(actor=actor))}
