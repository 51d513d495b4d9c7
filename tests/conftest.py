import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import ApiToken, Organisation, Role, Warehouse
from parcelback.reverse_orders.models import ReverseType

from .factories import OrganisationFactory, ReverseOrderFactory, WarehouseFactory, person
from .helpers import PREFIX


def pytest_collection_modifyitems(config, items):
    """The benchmark smoke is `slow`: anything in a `bench` directory or in a test_bench.py (`make test-fast` skips it)."""
    for item in items:
        path = item.path
        folders = path.relative_to(config.rootpath).parts[:-1] if path.is_relative_to(config.rootpath) else ()
        if path.name == "test_bench.py" or "bench" in folders:
            item.add_marker(pytest.mark.slow)


@dataclass
class World:
    """Two shops, two providers (provider A with two warehouses), and one person of every role."""

    shop1: Organisation
    shop2: Organisation
    provider_a: Organisation
    provider_b: Organisation
    wh_a1: Warehouse
    wh_a2: Warehouse
    wh_b1: Warehouse
    merchant1: Actor
    merchant2: Actor
    viewer1: Actor
    provider1: Actor
    provider2: Actor
    admin: Actor


@pytest.fixture
def world(db) -> World:
    shop1 = OrganisationFactory(code="shop1", name="示例店铺一")
    shop2 = OrganisationFactory(code="shop2", name="示例店铺二")
    provider_a = OrganisationFactory(code="provider-a", name="东方集运", kind="provider")
    provider_b = OrganisationFactory(code="provider-b", name="西岸物流", kind="provider")
    return World(
        shop1=shop1,
        shop2=shop2,
        provider_a=provider_a,
        provider_b=provider_b,
        wh_a1=WarehouseFactory(code="tokyo", name="东京集货仓", provider=provider_a),
        wh_a2=WarehouseFactory(code="sydney", name="悉尼集货仓", provider=provider_a),
        wh_b1=WarehouseFactory(code="la", name="洛杉矶集货仓", provider=provider_b),
        merchant1=person(shop1, Role.MERCHANT_OPERATOR, "merchant1"),
        merchant2=person(shop2, Role.MERCHANT_OPERATOR, "merchant2"),
        viewer1=person(shop1, Role.MERCHANT_VIEWER, "viewer1"),
        provider1=person(provider_a, Role.PROVIDER_OPERATOR, "provider1"),
        provider2=person(provider_b, Role.PROVIDER_OPERATOR, "provider2"),
        admin=person(None, Role.ADMIN, "admin"),
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; the tests create many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def orders(world):
    """The page tests' orders: three of shop1 in provider A's Tokyo warehouse, and one of shop2.

    Modules that need other orders define their own `orders` fixture, which overrides this one."""
    return {
        "return": ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN),
        "destroy": ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY),
        "reject": ReverseOrderFactory(
            shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.INTERCEPT_REJECT,
            goods=[("70099", "测试商品 <script>alert('xss')</script>")],
        ),
        "other_shop": ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1),
    }


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
