from dataclasses import dataclass

import pytest

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Organisation, Role, Warehouse

from .factories import OrganisationFactory, WarehouseFactory, person


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
