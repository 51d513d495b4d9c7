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
