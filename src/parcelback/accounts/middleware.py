"""Per-request context for the console: who acts, in which language and time zone."""
import zoneinfo

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .actors import Actor, actor_for
from .api import token_actor
from .models import Membership


class ConsoleLanguageMiddleware:
    """Sits before LocaleMiddleware: on console pages the browser's Accept-Language is not a choice the user
    made, so only the language cookie (set by the switch) counts. The API keeps honouring Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class UserTimeZoneMiddleware:
    """Shows times in the user's own time zone: the console's script stores the browser's zone in a cookie.
    Without it (first visit, API, tests) the installation's TIME_ZONE applies."""

    COOKIE = "pb_tz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = "" if request.path.startswith("/api/") else request.COOKIES.get(self.COOKIE, "")[:64]
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


def console_actor(user) -> Actor:
    """The signed-in person as the domain sees them; membership and organisation come in one query."""
    if user.is_authenticated and not user.is_superuser:
        membership = Membership.objects.select_related("organisation").filter(user=user).first()
        user._state.fields_cache["membership"] = membership
    return actor_for(user)


class ActorMiddleware:
    """Resolves the acting person once per request as `request.actor`: on the API from the Bearer token (before
    the idempotency middleware, which scopes keys by it), on the console from the session, when first asked.
    Sits after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            request.actor = token_actor(request)
        else:
            request.actor = SimpleLazyObject(lambda: console_actor(request.user))
        return self.get_response(request)
