"""Idempotency-Key on API writes: a client that retries a POST gets the first answer, never a second action.

The same key with the same body replays the stored status and body; with another body it is refused (422);
while the first request is still running a second one is refused (409). Keys are scoped to the token's user and
the route (method and path) and kept 24 hours: another user's replay would skip that user's role check.
Answers the client should retry (429, 5xx) and refusals of the caller's role (403) are not kept. A kept answer
is sealed (core.sealing): it may hold a one-time secret (a pickup code, a webhook signing secret).
"""
import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.core.exceptions import RequestDataTooBig
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone

from .api import ApiCode, api_error
from .models import IdempotencyKey
from .sealing import seal, unseal

KEEP_FOR = timedelta(hours=24)
# A first request that has not finished after this long died with its process: its key may be used again.
ABANDONED_AFTER = timedelta(minutes=5)
API_PREFIX = "/api/"
SEALED_FOR = "idempotent-response"
# Not kept: the client should retry (429, 5xx), or the refusal is about this caller's role, which may change.
NOT_KEPT = {403, 429}


def fingerprint(request) -> str:
    """What "the same request" means: method, path and body (JSON compared by value, multipart by fields and
    file contents, since every client picks its own multipart boundary)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "multipart/form-data":
        fields = sorted((name, request.POST.getlist(name)) for name in request.POST)
        digest.update(json.dumps(fields).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"\n{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    else:
        try:
            digest.update(json.dumps(json.loads(request.body or b"null"), sort_keys=True).encode())
        except ValueError:
            digest.update(request.body)
    return digest.hexdigest()


def _error(code: ApiCode) -> JsonResponse:
    status, body = api_error(code)
    return JsonResponse(body, status=status)


def _route(request) -> str:
    """The method and path a key belongs to (a very long path by its digest, to fit the column)."""
    route = f"{request.method} {request.path}"
    return route if len(route) <= 255 else f"{request.method} sha256:{hashlib.sha256(request.path.encode()).hexdigest()}"


def _claim(user_id: int, route: str, key: str, digest: str) -> tuple[IdempotencyKey, bool]:
    """Insert the key as in flight; (row, True) when this request owns it, (existing row, False) otherwise."""
    now = timezone.now()
    stale = IdempotencyKey.objects.filter(user_id=user_id, route=route, key=key)
    stale.filter(created_at__lt=now - KEEP_FOR).delete()
    stale.filter(response_status__isnull=True, created_at__lt=now - ABANDONED_AFTER).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user_id=user_id, route=route, key=key, request_hash=digest, created_at=now)
            return row, True
    except IntegrityError:
        return IdempotencyKey.objects.get(user_id=user_id, route=route, key=key), False


def _replay(record: IdempotencyKey) -> HttpResponse | None:
    """The kept answer, or None when it was sealed under a SECRET_KEY this installation no longer knows."""
    try:
        body = unseal(record.sealed_response, purpose=SEALED_FOR)
    except ValueError:
        return None
    response = HttpResponse(body, status=record.response_status, content_type=record.response_content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not (1 <= len(key) <= 255 and key.isprintable()):
            return _error(ApiCode.INVALID_IDEMPOTENCY_KEY)
        actor = request.actor  # resolved from the Bearer token by accounts' ActorMiddleware
        if actor.role is None or actor.user_id is None:
            return self.get_response(request)  # the API answers 401; nothing to remember
        try:
            digest = fingerprint(request)
        except (MultiPartParserError, RequestDataTooBig):
            return self.get_response(request)  # unreadable body: the API answers 400, nothing to remember
        route = _route(request)
        record, mine = _claim(actor.user_id, route, key, digest)
        if not mine:
            if record.request_hash != digest:
                return _error(ApiCode.IDEMPOTENCY_KEY_REUSED)
            if record.response_status is None:
                return _error(ApiCode.IDEMPOTENCY_IN_FLIGHT)
            if (replay := _replay(record)) is not None:
                return replay
            record.delete()  # unreadable: forgotten, as after 24 hours; the domain refuses a second action
            record, mine = _claim(actor.user_id, route, key, digest)
            if not mine:
                return _error(ApiCode.IDEMPOTENCY_IN_FLIGHT)
        try:
            response = self.get_response(request)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 500 or response.status_code in NOT_KEPT or response.streaming:
            record.delete()
        else:
            IdempotencyKey.objects.filter(pk=record.pk).update(
                response_status=response.status_code,
                sealed_response=seal(response.content, purpose=SEALED_FOR),
                response_content_type=response.get("Content-Type", "application/json"),
            )
        return response


def purge_expired() -> int:
    """Forget keys older than 24 hours (the worker calls this now and then)."""
    return IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()[0]
