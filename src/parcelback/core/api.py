"""API plumbing shared by every router: transport refusal codes, the one error shape, throttling, rendering,
ETags. Who the caller is (Bearer tokens) is the accounts app's answer."""
import hashlib
import inspect
import threading
import time
from enum import StrEnum
from typing import Annotated, Literal

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.throttling import SimpleRateThrottle
from pydantic import ConfigDict, Field, GetPydanticSchema

from parcelback.core.errors import Code, Refused
from parcelback.core.limits import count_in_window
from parcelback.core.text import FORMAT_CHARS

# Text never carries NUL (no database stores it); required text has a visible character, as the services demand
# (`core.text.is_blank`: not whitespace, a control character or a format character such as a zero-width space).
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\s\x00-\x1f\x7f-\x9f{FORMAT_CHARS}][^\x00]*$"


def enumeration(name: str, values) -> type:
    """A string enumeration that validates as a `Literal` (same values, same `literal_error`) but is documented as
    the component `name`, so every field of it refers to one enum and a generated client has one type for it."""

    def named(core_schema, handler):
        return {**handler(core_schema), "ref": name}

    def titled(core_schema, handler):
        schema = handler(core_schema)
        handler.resolve_ref_schema(schema)["title"] = name
        return schema

    return Annotated[Literal[tuple(str(value) for value in values)], GetPydanticSchema(named, titled)]


def examples(*bodies: dict) -> dict:
    """A body's examples for the document (a schema's `json_schema_extra`): what Swagger UI shows. A request's are
    what Schemathesis sends, so each must be a body the server accepts as valid; a response's, an answer as the
    server gives it."""
    return {"examples": list(bodies)}


def text(max_length: int, default: str = "", **kwargs):
    """An optional text field of an API input."""
    return Field(default, max_length=max_length, pattern=NO_NUL, **kwargs)


def required_text(max_length: int, **kwargs):
    """A required text field of an API input: at least one visible character."""
    return Field(max_length=max_length, pattern=NOT_BLANK, **kwargs)


class ApiCode(StrEnum):
    """Refusals of the transport, beside the domain's `Code`s. Stable like them: add, never rename."""

    UNAUTHENTICATED = "unauthenticated"
    PRECONDITION_FAILED = "precondition_failed"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_FLIGHT = "idempotency_in_flight"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    RATE_LIMITED = "rate_limited"
    BODY_TOO_LARGE = "body_too_large"


API_MESSAGES = {
    ApiCode.UNAUTHENTICATED: (401, _("Send a valid API token: Authorization: Bearer <token>.")),
    ApiCode.PRECONDITION_FAILED: (412, _("The order changed since you read it (If-Match is stale); read it again.")),
    ApiCode.IDEMPOTENCY_KEY_REUSED: (422, _("This Idempotency-Key was already used with another request body.")),
    ApiCode.IDEMPOTENCY_IN_FLIGHT: (409, _("A request with this Idempotency-Key is still being processed.")),
    ApiCode.INVALID_IDEMPOTENCY_KEY: (400, _("An Idempotency-Key is 1 to 255 printable characters.")),
    ApiCode.RATE_LIMITED: (429, _("Too many requests; retry after the number of seconds in Retry-After.")),
    ApiCode.BODY_TOO_LARGE: (413, _("The request body is too large.")),
}


# Who may refuse any operation (the token, the rate) and any POST besides (its Idempotency-Key, its body's size).
TRANSPORT_CODES = (ApiCode.UNAUTHENTICATED, ApiCode.RATE_LIMITED)
WRITE_CODES = (
    ApiCode.INVALID_IDEMPOTENCY_KEY, ApiCode.IDEMPOTENCY_KEY_REUSED, ApiCode.IDEMPOTENCY_IN_FLIGHT, ApiCode.BODY_TOO_LARGE
)


def refuses(*codes: Code | ApiCode, write: bool = False):
    """Ends an operation's description (its docstring, read by ninja when the route is declared, so this goes
    beneath the route's decorator) with every code it may refuse with, in the codes' declared order, so an
    integrator sees in the document which refusals to handle."""
    order = [*Code, *ApiCode]
    every = {*codes, *TRANSPORT_CODES, *(WRITE_CODES if write else ())}
    line = "Refusal codes: " + ", ".join(f"`{code}`" for code in sorted(every, key=order.index))

    def describe(view):
        view.__doc__ = f"{inspect.cleandoc(view.__doc__)}\n\n{line}" if view.__doc__ else line
        return view

    return describe


class ApiError(Exception):
    """A refusal by the transport (auth, preconditions, idempotency, rate), answered in the one error shape."""

    def __init__(self, code: ApiCode):
        super().__init__(code)
        self.code = code


# Every code an error answers: the domain's and the transport's.
CodeName = enumeration("Code", [*Code, *ApiCode])


class RefusedOrderOut(Schema):
    order: str
    code: CodeName
    message: str


def _error_examples(schema: dict) -> None:
    """A refused batch and a refused field, worded in the caller's language as the server words them."""
    schema["examples"] = [
        Refused(Code.BATCH_REFUSED, refused=[("RV20250601000123", Code.ALREADY_REGISTERED)]).as_json(),
        Refused(Code.INVALID, field="self_pickup.expected_pickup_at",
                errors={"self_pickup.expected_pickup_at": "not_in_future"}).as_json(),
    ]


class ErrorOut(Schema):
    """The one shape of every API error."""

    model_config = ConfigDict(json_schema_extra=_error_examples)

    code: CodeName
    message: str
    field: str | None
    errors: dict[str, str] | None
    refused: list[RefusedOrderOut]


# The statuses any endpoint may refuse with, each answered as `ErrorOut`; routers spread it into `response=`
# (writes to one order add 412 for a stale If-Match).
ERRORS = {status: ErrorOut for status in (400, 401, 403, 404, 409, 422, 429)}


def error_body(code: str, message: str, *, field: str | None = None, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "field": field, "errors": errors or None, "refused": []}


def api_error(code: ApiCode) -> tuple[int, dict]:
    status, message = API_MESSAGES[code]
    return status, error_body(str(code), str(message))


class PerTokenThrottle(SimpleRateThrottle):
    """A fixed window per API user, counted where every server process sees it (Redis, or a table of the database:
    `core.limits.count_in_window`), so they all draw on one budget. ninja's own throttle reads a history list and writes it back: across processes both
    writers win, and a user got nearly three times the rate from three workers."""

    scope = "token"

    def __init__(self):
        super().__init__(settings.PARCELBACK_API_RATE)
        self._retry_after = threading.local()  # one instance serves every request of the process

    def allow_request(self, request) -> bool:
        actor = getattr(request, "auth", None)
        if not (actor and actor.user_id):
            return True
        limit, period = self.parse_rate(settings.PARCELBACK_API_RATE)  # settings may change
        now = time.time()
        window = int(now // period)
        count = count_in_window(f"pb-throttle-{actor.user_id}-{period}", window, period)
        self._retry_after.seconds = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        """Until the window ends (ninja rounds it up into Retry-After)."""
        return getattr(self._retry_after, "seconds", None)


# --- rendering --------------------------------------------------------------------------------------


class OrjsonRenderer(BaseRenderer):
    """The API's JSON written by orjson (the standard library's encoder was a fifth of a list call's time), with
    the values ninja's own renderer gives: times, decimals and lazy texts through its encoder (times with
    milliseconds, UTC as `Z`); text as UTF-8 rather than \\u escapes."""

    media_type = "application/json"
    charset = "utf-8"
    OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
    encode_other = staticmethod(NinjaJSONEncoder().default)

    def render(self, request, data, *, response_status):
        return orjson.dumps(data, default=self.encode_other, option=self.OPTIONS)


JSON = OrjsonRenderer()  # the renderer the API answers with


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
