"""The address book over HTTP: list (last used first, cursor-paged), save, delete; a shop's own only."""
import pytest

from parcelback.contacts.models import Contact

pytestmark = pytest.mark.django_db

PICKER = {"kind": "picker", "name": "张三", "phone": "138 0013 8000"}
RECIPIENT = {
    "kind": "recipient", "name": "李四", "phone": "13900001234", "country": "中国", "province": "浙江省",
    "city": "杭州市", "district": "余杭区", "street": "文一西路 969 号", "postcode": "311121",
}


def test_save_list_and_delete(world, api):
    merchant = api(world.merchant1)
    created = merchant.post("/contacts", PICKER)
    assert created.status_code == 201, created.json()
    picker = created.json()
    assert picker["name"] == "张三" and picker["kind"] == "picker" and picker["warnings"] == [] and picker["street"] == ""
    assert merchant.post("/contacts", RECIPIENT).status_code == 201
    again = merchant.post("/contacts", PICKER | {"phone": "+86 138-0013-8000"})
    assert again.status_code == 200 and again.json()["id"] == picker["id"]  # already in the book, now used last

    listed = api(world.viewer1).get("/contacts").json()
    assert [c["name"] for c in listed["results"]] == ["张三", "李四"] and listed["next_cursor"] is None
    assert [c["name"] for c in merchant.get("/contacts", {"kind": "recipient"}).json()["results"]] == ["李四"]
    assert [c["name"] for c in merchant.get("/contacts", {"q": "文一"}).json()["results"]] == ["李四"]
    first = merchant.get("/contacts", {"limit": 1}).json()
    second = merchant.get("/contacts", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [c["name"] for c in first["results"] + second["results"]] == ["张三", "李四"]

    assert merchant.delete(f"/contacts/{picker['id']}").status_code == 204
    assert merchant.delete(f"/contacts/{picker['id']}").status_code == 404


def test_a_likely_typo_comes_back_as_a_warning(world, api):
    merchant = api(world.merchant1)
    saved = merchant.post("/contacts", PICKER).json()
    slip = merchant.post("/contacts", PICKER | {"phone": "13800138001"}).json()
    assert slip["warnings"] == [{"code": "phone_one_digit_off", "contact_id": saved["id"], "name": "张三", "phone": "138 0013 8000"}]


@pytest.mark.parametrize("body, field", [
    (PICKER | {"phone": "12345678901"}, "phone"),
    (PICKER | {"name": "  "}, "name"),
    (RECIPIENT | {"postcode": "3111"}, "postcode"),
    (RECIPIENT | {"country": "Narnia"}, "country"),
    ({"kind": "friend", "name": "x", "phone": "13800138000"}, "kind"),
    (PICKER | {"shop": "shop2"}, "shop"),  # no mass assignment
])
def test_bad_input_is_a_field_error_and_nothing_is_saved(world, api, body, field):
    response = api(world.merchant1).post("/contacts", body)
    assert response.status_code == 400, response.json()
    assert field in str(response.json()["errors"])
    assert not Contact.objects.exists()


def test_each_shop_sees_and_deletes_its_own_book_only(world, api):
    theirs = api(world.merchant2).post("/contacts", PICKER).json()
    assert api(world.merchant1).get("/contacts").json()["results"] == []
    assert api(world.merchant1).delete(f"/contacts/{theirs['id']}").status_code == 404
    assert Contact.objects.filter(pk=theirs["id"]).exists()


@pytest.mark.parametrize("who, read, write", [
    ("merchant1", 200, 201), ("viewer1", 200, 403), ("provider1", 403, 403), ("admin", 403, 403),
])
def test_who_may_read_and_write(world, api, who, read, write):
    client = api(getattr(world, who))
    assert client.get("/contacts").status_code == read
    assert client.post("/contacts", PICKER).status_code == write


def test_a_registration_through_the_api_that_looks_like_a_typo_must_be_confirmed(world, api):
    from datetime import timedelta

    from django.utils import timezone

    from parcelback.reverse_orders.models import PickupRegistration

    from ..factories import ReverseOrderFactory

    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    merchant = api(world.merchant1)
    merchant.post("/contacts", PICKER)
    body = {"orders": [order.number], "method": "self_pickup", "self_pickup": {
        "expected_pickup_at": (timezone.now() + timedelta(days=1)).isoformat(), "picker_name": "张三", "picker_phone": "13800138009"}}
    refused = merchant.post("/pickup-registrations", body)
    assert refused.status_code == 400, refused.json()
    assert refused.json()["code"] == "confirmation_required"
    assert refused.json()["errors"] == {"self_pickup.picker_phone": "likely_typo"}
    assert not PickupRegistration.objects.exists()
    assert merchant.post("/pickup-registrations", body | {"confirm_contact": True}).status_code == 201
    exact = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)  # the saved details themselves: no question
    saved = body | {"orders": [exact.number], "self_pickup": body["self_pickup"] | {"picker_phone": "138 0013 8000"}}
    assert merchant.post("/pickup-registrations", saved).status_code == 201
