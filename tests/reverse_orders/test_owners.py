"""Cargo owners belong to a shop (issue 10, finding 7): one provider can neither rename another shop's owner nor
read its name by guessing the ID, and the owner filter never matches another shop's owners."""
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import CargoOwner, ReverseOrder

from ..factories import CargoOwnerFactory, ReverseOrderFactory

pytestmark = pytest.mark.django_db


def new_order(ref: str, shop: str, warehouse: str, owner_id: str, owner_name: str) -> dict:
    return {
        "external_ref": ref, "shop": shop, "warehouse": warehouse, "reverse_type": "customs_return",
        "business_mode": "pop", "owner": {"id": owner_id, "name": owner_name},
        "lines": [{"product_id": "P1", "product_name": "眼罩", "goods_id": "G1", "goods_name": "眼罩", "quantity": 1}],
    }


def create(api, actor, *orders) -> list[str]:
    response = api(actor).post("/reverse-orders", {"orders": list(orders)})
    assert response.status_code == 201, response.content
    return [o["number"] for o in response.json()["orders"]]


def owner_seen(api, actor, number: str) -> dict:
    return api(actor).get(f"/reverse-orders/{number}").json()["owner"]


def test_another_shops_order_cannot_rename_or_read_an_owner(api, world):
    [shop1_order] = create(api, world.provider1, new_order("A-1", "shop1", "tokyo", "OWN-7", "花王株式会社"))
    [poison] = create(api, world.provider2, new_order("B-1", "shop2", "la", "OWN-7", "POISONED"))
    assert owner_seen(api, world.merchant1, shop1_order) == {"id": "OWN-7", "name": "花王株式会社"}
    assert owner_seen(api, world.merchant2, poison) == {"id": "OWN-7", "name": "POISONED"}  # its own, not shop1's
    assert CargoOwner.objects.filter(external_id="OWN-7").count() == 2


def test_a_later_order_of_the_same_shop_keeps_the_owners_first_name(api, world):
    [first] = create(api, world.provider1, new_order("A-1", "shop1", "tokyo", "OWN-7", "花王株式会社"))
    [later] = create(api, world.provider2, new_order("B-1", "shop1", "la", "OWN-7", "POISONED"))
    assert owner_seen(api, world.merchant1, first) == owner_seen(api, world.merchant1, later) == {
        "id": "OWN-7", "name": "花王株式会社"
    }
    assert list(CargoOwner.objects.values_list("shop__code", "external_id", "name")) == [("shop1", "OWN-7", "花王株式会社")]


def test_one_create_with_the_same_owner_id_at_two_shops_makes_two_owners(api, world):
    create(
        api, world.provider1,
        new_order("A-1", "shop1", "tokyo", "OWN-7", "花王"), new_order("A-2", "shop2", "tokyo", "OWN-7", "资生堂"),
    )
    assert sorted(CargoOwner.objects.values_list("shop__code", "name")) == [("shop1", "花王"), ("shop2", "资生堂")]
    assert all(o.owner.shop_id == o.shop_id for o in ReverseOrder.objects.select_related("owner"))


@pytest.mark.parametrize("term", ["OWN-7", "花王"])
def test_the_owner_filter_never_matches_another_shops_owner(api, world, term):
    def listed(actor, owner):
        return api(actor).get("/reverse-orders", {"owner": owner}).json()["results"]

    mine = CargoOwnerFactory(shop=world.shop1, external_id="OWN-8", name="资生堂")
    theirs = CargoOwnerFactory(shop=world.shop2, external_id="OWN-7", name="花王")
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, owner=mine)
    ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1, owner=theirs)
    assert listed(world.merchant1, term) == []
    assert [o["number"] for o in listed(world.merchant1, "资生堂")] == [order.number]
    # A provider holding both shops' orders sees each with its own shop's owner.
    assert [o["owner"]["name"] for o in listed(world.provider1, term)] == ["花王"]


def test_the_migration_splits_an_owner_used_by_several_shops(world):
    """Existing data: one owner row per shop that used it, the same ID and name, each shop's orders moved to its own."""
    shared = CargoOwnerFactory(shop=world.shop1, external_id="OWN-1", name="花王")
    at_shop1 = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, owner=shared)
    at_shop2 = ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_b1, owner=shared)
    unused = CargoOwnerFactory(shop=world.shop2, external_id="OWN-2")
    migration = importlib.import_module("parcelback.reverse_orders.migrations.0007_cargo_owner_per_shop")
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.split_per_shop(django_apps, editor)
    owners = {o.shop_id: o for o in CargoOwner.objects.filter(external_id="OWN-1")}
    assert set(owners) == {world.shop1.pk, world.shop2.pk}
    assert {o.name for o in owners.values()} == {"花王"}
    assert ReverseOrder.objects.get(pk=at_shop1.pk).owner_id == shared.pk
    assert ReverseOrder.objects.get(pk=at_shop2.pk).owner_id == owners[world.shop2.pk].pk
    assert CargoOwner.objects.filter(pk=unused.pk).exists()  # it has its shop already; only shopless ones go


def test_demo_and_generated_data_give_each_shop_its_own_owners(db):
    call_command("demo", verbosity=0)
    call_command("generate", orders=300, seed=3, stdout=open("/dev/null", "w"))
    assert ReverseOrder.objects.count() > 300
    assert not ReverseOrder.objects.exclude(owner__shop_id=F("shop_id")).exists()


def test_services_create_owner_per_shop_without_the_api(world):
    line = services.NewLine("P1", "眼罩", "G1", "眼罩", 1)
    items = [
        services.NewOrder(external_ref=f"R{i}", shop=shop, warehouse="tokyo", reverse_type="customs_return",
                          business_mode="pop", owner_id="OWN-1", owner_name=name, lines=[line])
        for i, (shop, name) in enumerate([("shop1", "甲"), ("shop2", "乙"), ("shop1", "丙")])
    ]
    services.create_orders(actor=world.provider1, orders=items)
    assert sorted(CargoOwner.objects.values_list("shop__code", "name")) == [("shop1", "甲"), ("shop2", "乙")]
