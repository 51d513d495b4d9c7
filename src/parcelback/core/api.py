"""API plumbing shared by every router: transport refusal codes, the error body, Bearer-token auth, throttling."""
import hashlib
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from parcelback.accounts.actors import Actor, actor_for
from parcelback.accounts.models import ApiToken


class ApiCode(StrEnum):
    """Refusals of the transport, beside the domain's `Code`s. Stable like them: add, never rename."""

    UNAUTHENTICATED = "unauthenticated"
    PRECONDITION_FAILED = "precondition_failed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_FLIGHT = "idempotency_in_flight"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    RATE_LIMITED = "rate_limited"


API_MESSAGES = {
    ApiCode.UNAUTHENTICATED: (401, _("Send a valid API token: Authorization: Bearer <token>.")),
    ApiCode.PRECONDITION_FAILED: (412, _("The order changed since you read it (If-Match is stale); read it again.")),
    ApiCode.IDEMPOTENCY_KEY_REUSED: (422, _("This Idempotency-Key was already used with another request body.")),
    ApiCode.IDEMPOTENCY_IN_FLIGHT: (409, _("A request with this Idempotency-Key is still being processed.")),
    ApiCode.INVALID_IDEMPOTENCY_KEY: (400, _("An Idempotency-Key is 1 to 255 printable characters.")),
    ApiCode.RATE_LIMITED: (429, _("Too many requests; retry after the number of seconds in Retry-After.")),
}


class ApiError(Exception):
    """A refusal by the transport (auth, preconditions, idempotency, rate), answered in the one error shape."""

    def __init__(self, code: ApiCode):
        super().__init__(code)
        self.code = code


def error_body(code: str, message: str, *, field: str | None = None, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "field": field, "errors": errors or None, "refused": []}


def api_error(code: ApiCode) -> tuple[int, dict]:
    status, message = API_MESSAGES[code]
    return status, error_body(str(code), str(message))


# --- authentication ---------------------------------------------------------------------------------


def actor_for_token(request: HttpRequest) -> Actor | None:
    """The actor behind the request's Bearer token (cached on the request), or None for no or a bad token."""
    if hasattr(request, "_api_actor"):
        return request._api_actor
    actor = None
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        token = (
            ApiToken.objects.select_related("user__membership__organisation")
            .filter(key_hash=ApiToken.hash(secret.strip()), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is not None:
            now = timezone.now()
            # Touch last_used_at at most once a minute: reads should not each cost a write.
            if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            actor = actor_for(token.user)
            if actor.role is None:
                actor = None
    request._api_actor = actor
    return actor


class BearerToken(HttpBearer):
    """`Authorization: Bearer pb_...`; the token acts with its user's role and organisation. No session auth."""

    def __call__(self, request):
        return actor_for_token(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return actor_for_token(request)


class PerTokenThrottle(SimpleRateThrottle):
    """A sliding window per API user, kept in the process's cache (so per server process)."""

    scope = "token"

    def __init__(self):
        super().__init__(settings.PARCELBACK_API_RATE)

    def allow_request(self, request) -> bool:
        self.num_requests, self.duration = self.parse_rate(settings.PARCELBACK_API_RATE)  # settings may change
        return super().allow_request(request)

    def get_cache_key(self, request):
        actor = getattr(request, "auth", None)
        return f"pb-throttle-{actor.user_id}" if actor and actor.user_id else None


# --- rendering --------------------------------------------------------------------------------------


JSON = JSONRenderer()  # ninja's default renderer, the one the API answers with


def rendered(body) -> HttpResponse:
    """A 200 written as the API writes one, without ninja validating `body` again against the response
    schema: for a list built field by field in its schema's shape, where that second pass cost more than
    building it."""
    content = JSON.render(None, body, response_status=200)
    return HttpResponse(content, content_type=f"{JSON.media_type}; charset={JSON.charset}")


# --- optimistic concurrency -------------------------------------------------------------------------


def etag_for(order) -> str:
    """Changes whenever the order does: every action moves `updated_at`."""
    digest = hashlib.sha256(f"{order.number}|{order.updated_at.isoformat()}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def if_match_fails(request: HttpRequest, current: str) -> bool:
    """True when the client sent If-Match and none of its tags is the order's current one."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return current not in tags
