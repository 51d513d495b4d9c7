"""A provider keeps its warehouses' address, opening hours and phone current; merchants see them on the order."""
import pytest

from parcelback.accounts.models import Warehouse

from ..factories import ReverseOrderFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_provider_edits_its_warehouse_details_and_the_merchant_sees_them(client, world):
    provider = client_for(client, world.provider1)
    page = provider.get("/warehouses/")
    assert page.status_code == 200 and "营业时间" in page.content.decode()
    response = provider.post("/warehouses/", {
        "code": "tokyo", "tokyo-address": "东京都江东区有明 3-7", "tokyo-opening_hours": "9:00–18:00",
        "tokyo-contact_phone": "+81 3 5500 1234",
    })
    assert response.status_code == 302
    tokyo = Warehouse.objects.get(code="tokyo")
    assert (tokyo.address, tokyo.opening_hours, tokyo.contact_phone) == ("东京都江东区有明 3-7", "9:00–18:00", "+81 3 5500 1234")
    order = ReverseOrderFactory(shop=world.shop1, warehouse=tokyo)
    detail = client_for(client, world.merchant1).get(f"/orders/{order.number}/").content.decode()
    assert "9:00–18:00" in detail and "+81 3 5500 1234" in detail


def test_another_providers_warehouse_cannot_be_edited(client, world):
    response = client_for(client, world.provider2).post("/warehouses/", {"code": "tokyo", "tokyo-address": "x"})
    assert response.status_code == 200  # only its own warehouses are on the page; the post matches none of them
    assert Warehouse.objects.get(code="tokyo").address != "x"


@pytest.mark.parametrize("who", ["merchant1", "viewer1"])
def test_merchants_have_no_warehouse_page(client, world, who):
    assert client_for(client, getattr(world, who)).get("/warehouses/").status_code == 404
