"""Who calls the API: a Bearer token resolves to its user's Actor (role and organisation), once per request."""
from django.http import HttpRequest
from ninja.security import HttpBearer

from .actors import ANONYMOUS, Actor
from .tokens import actor_for_secret


def token_actor(request: HttpRequest) -> Actor:
    """The actor behind the request's Bearer token; `ANONYMOUS` (no role) for no, a revoked or a bad token."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return ANONYMOUS
    return actor_for_secret(secret.strip())


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
