"""REST API v1: one NinjaAPI with Bearer-token auth and one error shape for every refusal.

Every error answers `{"code", "message", "field", "errors", "refused": [{"order", "code", "message"}]}`.
Domain refusals come from `core.errors.Code`; `core.api.ApiCode` holds those of the HTTP transport.
"""
from django.core.exceptions import RequestDataTooBig
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parcelback.accounts.api import BearerToken
from parcelback.core.api import API_MESSAGES, JSON, ApiCode, ApiError, PerTokenThrottle, api_error, error_body
from parcelback.core.errors import HTTP_STATUS, MESSAGES, Code, Refused
from parcelback.core.text import is_blank
from parcelback.contacts.api import router as contacts_router
from parcelback.instruction_imports.api import router as instruction_imports_router
from parcelback.notifications.api import router as notifications_router
from parcelback.reverse_orders.api import router as orders_router
from parcelback.webhooks.api import router as webhooks_router


def _codes_table() -> str:
    rows = [f"| `{code}` | {HTTP_STATUS.get(code, 409)} | {MESSAGES[code]} |" for code in Code]
    rows += [f"| `{code}` | {status} | {message} |" for code, (status, message) in API_MESSAGES.items()]
    return "\n".join(["| code | HTTP status | meaning |", "|---|---|---|", *rows])


DESCRIPTION = """
Parcelback's REST API for shops' and warehouses' own systems.

* **Auth**: `Authorization: Bearer <token>`; create one with `parcelback token create USERNAME`.
  The token acts with its user's role and organisation; anything outside its scope is 404.
* **Retries**: every POST accepts an `Idempotency-Key` header (kept 24 hours per user and route): the same key
  with the same body replays the first answer; with another body it is refused (422); while the first is
  still running, 409.
* **Concurrency**: `GET /reverse-orders/{number}` returns an `ETag`; send it back as `If-Match` on a write to
  that order and a stale one is refused with 412.
* **Batches** are all or nothing: when any order is refused nothing is written and `refused` lists each
  refused order with its code.
* **Errors** have one shape: `{"code", "message", "field", "errors", "refused": [{"order", "code", "message"}]}`.
  The codes are stable:

CODES
"""

class ParcelbackAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """ninja drops each error's input; keep whether it was blank, so a blank required field reads "required"."""
        error = super().validation_error_from_error_contexts(error_contexts)
        inputs = [i.get("input") for c in error_contexts for i in c.pydantic_validation_error.errors(include_url=False)]
        for item, value in zip(error.errors, inputs):
            item["blank"] = value in ([], None) or (isinstance(value, str) and is_blank(value))
        return error


api = ParcelbackAPI(
    title="Parcelback API",
    version="1",
    description=DESCRIPTION.replace("CODES", _codes_table()),
    auth=BearerToken(),
    throttle=[PerTokenThrottle()],
    renderer=JSON,
    urls_namespace="api-v1",
)
api.add_router("", orders_router)
api.add_router("", webhooks_router)
api.add_router("", notifications_router)
api.add_router("", contacts_router)
api.add_router("", instruction_imports_router)


@api.exception_handler(Refused)
def on_refused(request, exc: Refused):
    return api.create_response(request, exc.as_json(), status=exc.http_status)


@api.exception_handler(ApiError)
def on_api_error(request, exc: ApiError):
    status, body = api_error(exc.code)
    return api.create_response(request, body, status=status)


def _problem(error: dict) -> str:
    """pydantic's error type, except that a missing or blank required field is "required", as the services say."""
    kind = error.get("type", "invalid")
    blank = kind in ("string_pattern_mismatch", "too_short", "string_too_short") and error.get("blank")
    return "required" if kind == "missing" or blank else kind


@api.exception_handler(ValidationError)
def on_invalid(request, exc: ValidationError):
    errors = {}
    for error in exc.errors:
        location = list(error.get("loc", ()))
        # ninja prefixes the source ("body", "query", "form") and the argument name: keep the field path,
        # written as the services write it: orders[0].lines[1].quantity.
        path = ""
        for part in location[2:] if len(location) > 2 else location[-1:]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        path = path or "body"
        errors.setdefault(path, _problem(error))
    body = error_body(str(Code.INVALID), str(MESSAGES[Code.INVALID]), field=next(iter(errors), None), errors=errors)
    return api.create_response(request, body, status=400)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc: RequestDataTooBig):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: the API's error shape, not Django's HTML 400."""
    status, body = api_error(ApiCode.BODY_TOO_LARGE)
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    status, body = api_error(ApiCode.UNAUTHENTICATED)
    response = api.create_response(request, body, status=status)
    response["WWW-Authenticate"] = 'Bearer realm="parcelback"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 429:
        status, body = api_error(ApiCode.RATE_LIMITED)
    else:
        status, body = exc.status_code, error_body(str(Code.INVALID), str(exc))
    return api.create_response(request, body, status=status)
