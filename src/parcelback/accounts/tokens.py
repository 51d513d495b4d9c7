"""Who a Bearer token acts as, remembered by each server process for a few seconds: an integration's calls come
in runs, and looking the token up (three joined tables) was a seventh of a list call's time. A revoked token, a
deactivated person or a changed role is honoured at once in the process that changed it and within
PARCELBACK_TOKEN_CACHE_SECONDS (default 5) in every other; only tokens that work are remembered."""
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .actors import ANONYMOUS, Actor, actor_for
from .models import ApiToken

KEEP_AT_MOST = 10_000  # tokens remembered per process; past it the memory starts afresh
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often: reads should not each cost a write


@dataclass(slots=True)
class Known:
    until: float  # time.monotonic() past which the token is looked up again
    actor: Actor
    token_id: int
    last_used_at: datetime | None


_known: dict[str, Known] = {}


def actor_for_secret(secret: str) -> Actor:
    """The actor behind a token's secret; `ANONYMOUS` for a revoked, unknown or roleless one."""
    key = ApiToken.hash(secret)
    now = time.monotonic()
    known = _known.get(key)
    if known is None or known.until <= now:
        known = _look_up(key, now)
        if known is None:
            return ANONYMOUS
    moment = timezone.now()
    if known.last_used_at is None or moment - known.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=known.token_id).update(last_used_at=moment)
        known.last_used_at = moment
    return known.actor


def _look_up(key: str, now: float) -> Known | None:
    _known.pop(key, None)
    token = (
        ApiToken.objects.select_related("user__membership__organisation")
        .filter(key_hash=key, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    actor = actor_for(token.user)
    if actor.role is None:
        return None
    known = Known(now + settings.PARCELBACK_TOKEN_CACHE_SECONDS, actor, token.pk, token.last_used_at)
    if settings.PARCELBACK_TOKEN_CACHE_SECONDS > 0:
        if len(_known) >= KEEP_AT_MOST:
            _known.clear()
        _known[key] = known
    return known


def forget(key_hash: str) -> None:
    """This process stops trusting a token's remembered answer (it was revoked)."""
    _known.pop(key_hash, None)


def forget_on_change(sender, **kwargs) -> None:
    """A saved or deleted person, membership, organisation or token (the admin's edits): start afresh here."""
    _known.clear()
