"""The address book page: operators add (with a typo check they confirm) and delete, viewers read, others 404."""
import pytest

from parcelback.contacts.models import Contact
from parcelback.contacts.services import ContactDetails, save_contact

from ..helpers import client_for

pytestmark = pytest.mark.django_db
URL = "/contacts/"


def add_picker(client, **fields):
    return client.post(URL, {"picker-kind": "picker", "picker-name": "张三", "picker-phone": "13800138000"}
                       | {f"picker-{k}": v for k, v in fields.items()})


def test_an_operator_adds_a_picker_and_a_recipient_and_deletes_one(world, client):
    client = client_for(client, world.merchant1)
    assert add_picker(client).status_code == 302
    response = client.post(URL, {
        "recipient-kind": "recipient", "recipient-name": "李四", "recipient-phone": "13900001234",
        "recipient-country": "中国", "recipient-province": "浙江省", "recipient-city": "杭州市",
        "recipient-street": "文一西路 969 号", "recipient-postcode": "311121",
    })
    assert response.status_code == 302
    html = client.get(URL).content.decode()
    assert "张三" in html and "中国 浙江省 杭州市 文一西路 969 号 311121" in html
    picker = Contact.objects.get(name="张三")
    assert client.post(f"/contacts/{picker.pk}/delete/").status_code == 302
    assert list(Contact.objects.values_list("name", flat=True)) == ["李四"]


def test_bad_details_are_field_errors_and_nothing_is_saved(world, client):
    response = add_picker(client_for(client, world.merchant1), phone="12345678901", name="")
    assert response.status_code == 400
    assert response.content.decode().count('role="alert"') >= 2
    assert not Contact.objects.exists()


def test_a_likely_typo_is_a_warning_the_operator_confirms(world, client):
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    client = client_for(client, world.merchant1)
    response = add_picker(client, name="张三丰", phone="13800138001")
    assert response.status_code == 400 and "只差一位数字" in response.content.decode()
    assert Contact.objects.count() == 1
    assert add_picker(client, name="张三丰", phone="13800138001", confirm_typo="on").status_code == 302
    assert Contact.objects.count() == 2


def test_viewers_read_without_forms_and_others_are_not_found(world, client):
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    save_contact(actor=world.merchant2, details=ContactDetails(kind="picker", name="别家", phone="13700001111"))
    html = client_for(client, world.viewer1).get(URL).content.decode()
    assert "张三" in html and "别家" not in html and "添加提货人" not in html and "删除" not in html
    assert add_picker(client, name="王五").status_code == 200 and Contact.objects.count() == 2  # a viewer's post: no write
    for who in ("provider1", "admin"):
        assert client_for(client, getattr(world, who)).get(URL).status_code == 404
