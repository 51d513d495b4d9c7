"""The registration dialog and the address book: saved contacts offered, saving from the dialog, and a likely typo
that must be confirmed before the irreversible submit."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.contacts.models import Contact
from parcelback.contacts.services import ContactDetails, save_contact
from parcelback.reverse_orders.models import PickupRegistration, ReverseOrder, Status

from ..factories import ReverseOrderFactory
from ..helpers import client_for, self_pickup_post

pytestmark = pytest.mark.django_db
URL = "/orders/batch/pickup/"


@pytest.fixture
def order(world):
    return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)


def test_the_dialog_offers_the_shops_saved_contacts_last_used_first(client, world, order):
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="王五", phone="13700001111"))
    save_contact(actor=world.merchant2, details=ContactDetails(kind="picker", name="别家", phone="13600002222"))
    html = client_for(client, world.merchant1).get(URL, {"numbers": order.number}).content.decode()
    assert html.index('data-picker_name="王五"') < html.index('data-picker_name="张三"')
    assert "别家" not in html


def test_saving_the_picker_from_the_dialog(client, world, order):
    response = client_for(client, world.merchant1).post(URL, self_pickup_post([order.number], save_contact="on"))
    assert response.status_code == 302
    assert ReverseOrder.objects.get(pk=order.pk).status == Status.AWAITING_PICKUP
    assert list(Contact.objects.values_list("shop__code", "kind", "name", "phone")) == [("shop1", "picker", "张三", "138 0013 8000")]


def test_a_registration_keeps_its_own_copy_when_the_book_changes(client, world, order):
    client_for(client, world.merchant1).post(URL, self_pickup_post([order.number], save_contact="on"))
    Contact.objects.update(name="改过的名字")
    assert PickupRegistration.objects.get(order=order).picker_name == "张三"


def test_a_likely_typo_must_be_confirmed_and_writes_nothing_until_then(client, world, order):
    saved, _ = save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    client = client_for(client, world.merchant1)
    slip = self_pickup_post([order.number], picker_phone="13800138009")
    response = client.post(URL, slip)
    assert response.status_code == 400
    assert "只差一位数字" in response.content.decode() and "confirm_contact" in response.content.decode()
    assert ReverseOrder.objects.get(pk=order.pk).status == Status.AWAITING_INSTRUCTION
    assert not PickupRegistration.objects.exists()
    assert client.post(URL, slip | {"confirm_contact": "on"}).status_code == 302
    assert PickupRegistration.objects.get(order=order).picker_phone == "13800138009"


def test_other_problems_come_before_the_typo_check(client, world, order):
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(client, world.merchant1).post(
        URL, self_pickup_post([order.number], picker_phone="13800138009", expected_pickup_at=past)
    )
    html = response.content.decode()
    assert response.status_code == 400 and "只差一位数字" not in html and "须晚于当前时间" in html


def test_using_a_saved_contact_moves_it_first(client, world, order):
    zhang, _ = save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="王五", phone="13700001111"))
    client_for(client, world.merchant1).post(URL, self_pickup_post([order.number]))
    assert Contact.objects.filter(shop=world.shop1).first().pk == zhang.pk
