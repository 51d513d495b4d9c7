"""The console speaks Simplified Chinese unless the user picked English with the language switch."""


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
        import zoneinfo

        from django.utils import timezone

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
