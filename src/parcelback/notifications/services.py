"""A person's one action on their inbox: marking notifications read."""
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .selectors import notifications_for

MAX_IDS = 500


def mark_read(*, actor: Actor, ids: list[int] | None = None, all: bool = False) -> int:
    """Mark the given (or all) of the actor's unread notifications read; others' ids are silently not theirs.
    Returns how many were marked."""
    if not all and not ids:
        raise Refused(Code.INVALID, field="ids", errors={"ids": "required"})
    if ids and len(ids) > MAX_IDS:
        raise Refused(Code.INVALID, field="ids", errors={"ids": "too_long"})
    unread = notifications_for(actor=actor).filter(read_at__isnull=True)
    if not all:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
