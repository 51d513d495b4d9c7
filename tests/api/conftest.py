import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from parcelback.accounts.models import ApiToken
from parcelback.reverse_orders.models import Event, ReverseOrder
from parcelback.webhooks.models import OutboxMessage

PREFIX = "/api/v1"


@dataclass
class ApiClient:
    """The test client speaking to the API as one token's owner."""

    client: Client
    token: str

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(PREFIX + path, params or {}, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        data = json.dumps({} if body is None else body)
        return self.client.post(PREFIX + path, data, content_type="application/json", headers=self._headers(headers))

    def post_multipart(self, path, data, headers=None):
        return self.client.post(PREFIX + path, data, headers=self._headers(headers))

    def delete(self, path, headers=None):
        return self.client.delete(PREFIX + path, headers=self._headers(headers))


def token_for(actor) -> str:
    user = get_user_model().objects.get(pk=actor.user_id)
    token, secret = ApiToken.issue(user=user)
    # Marked as used just now, so a request costs no last_used_at write (query counts stay exact).
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() + timedelta(minutes=5))
    return secret


@pytest.fixture
def api(world):
    """api(world.merchant1).get("/reverse-orders") — a client per actor, tokens issued on first use."""
    cache.clear()  # the rate limiter's windows are keyed by user id, which the next test reuses
    clients = {}

    def for_actor(actor) -> ApiClient:
        if actor.username not in clients:
            clients[actor.username] = ApiClient(Client(), token_for(actor))
        return clients[actor.username]

    return for_actor


def snapshot(*numbers):
    """What a refused request must leave untouched: the orders' state and the event and outbox counts."""
    orders = {o.number: (o.status, o.exception_state, o.pickup_method, o.arrived_at, o.updated_at)
              for o in ReverseOrder.objects.filter(number__in=numbers)}
    return orders, Event.objects.count(), OutboxMessage.objects.count()


def assert_error(response, status, code, *, field=None, refused=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "field", "errors", "refused"}
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["field"] == field
    if refused is not None:
        assert [(r["order"], r["code"]) for r in body["refused"]] == refused
    return body
