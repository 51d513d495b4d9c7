"""Who calls the API: a Bearer token resolves to its user's Actor (role and organisation), once per request."""
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .actors import ANONYMOUS, Actor, actor_for
from .models import ApiToken


def token_actor(request: HttpRequest) -> Actor:
    """The actor behind the request's Bearer token; `ANONYMOUS` (no role) for no, a revoked or a bad token."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return ANONYMOUS
    token = (
        ApiToken.objects.select_related("user__membership__organisation")
        .filter(key_hash=ApiToken.hash(secret.strip()), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return ANONYMOUS
    now = timezone.now()
    # Touch last_used_at at most once a minute: reads should not each cost a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    actor = actor_for(token.user)
    return actor if actor.role is not None else ANONYMOUS


class BearerToken(HttpBearer):
    """`Authorization: Bearer pb_...`; the token acts with its user's role and organisation. No session auth.
    The actor was resolved by `ActorMiddleware`; a caller without a role is unauthenticated."""

    def __call__(self, request):
        actor = getattr(request, "actor", None)
        if actor is None:  # a request that did not pass through the middleware
            actor = request.actor = token_actor(request)
        return actor if actor.role is not None else None

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return self(request)
