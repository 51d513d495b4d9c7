"""The address book's rules: who may read and change it, what a contact must hold, and likely typos."""
import pytest

from parcelback.contacts import services
from parcelback.contacts.models import Contact
from parcelback.contacts.services import ContactDetails, likely_typos, near_keys, save_contact
from parcelback.core.errors import Code

from ..helpers import refused_with

pytestmark = pytest.mark.django_db

PICKER = ContactDetails(kind="picker", name="张三", phone="138 0013 8000")
RECIPIENT = ContactDetails(
    kind="recipient", name="李四", phone="13900001234", country="中国", province="浙江省", city="杭州市",
    district="余杭区", street="文一西路 969 号", postcode="311121",
)


def test_an_operator_saves_a_picker_and_a_recipient(world):
    picker, created = save_contact(actor=world.merchant1, details=PICKER)
    assert created and picker.shop == world.shop1 and picker.phone_key == "+8613800138000" and picker.street == ""
    recipient, created = save_contact(actor=world.merchant1, details=RECIPIENT)
    assert created and recipient.address == "中国 浙江省 杭州市 余杭区 文一西路 969 号 311121"


def test_the_same_details_again_are_the_same_contact_moved_to_the_top(world):
    first, _ = save_contact(actor=world.merchant1, details=PICKER)
    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="王五", phone="13700001111"))
    again, created = save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name=" 张三 ", phone="+86 138-0013-8000"))
    assert not created and again.pk == first.pk
    assert list(Contact.objects.filter(shop=world.shop1).values_list("name", flat=True)) == ["张三", "王五"]


@pytest.mark.parametrize("who", ["viewer1", "provider1", "admin"])
def test_only_merchant_operators_change_the_book(world, who):
    with refused_with(Code.NOT_PERMITTED):
        save_contact(actor=getattr(world, who), details=PICKER)
    assert not Contact.objects.exists()


def test_a_shop_never_touches_another_shops_contact(world):
    theirs, _ = save_contact(actor=world.merchant2, details=PICKER)
    with refused_with(Code.NOT_FOUND):
        services.delete_contact(actor=world.merchant1, contact_id=theirs.pk)
    assert Contact.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("details, problems", [
    (ContactDetails(kind="picker", name=" ", phone="12345678901"), {"name": "required", "phone": "invalid_phone"}),
    (ContactDetails(kind="recipient", name="李四", phone="13900001234", country="中国"),
     {"province": "required", "city": "required", "street": "required", "postcode": "required"}),
    (ContactDetails(kind="recipient", name="李四", phone="13900001234", country="中国", province="浙江省", city="杭州市",
                    street="x", postcode="3111"), {"postcode": "invalid_postcode"}),
    (ContactDetails(kind="friend", name="x", phone="13900001234"), {"kind": "invalid_choice"}),
])
def test_a_contact_follows_the_registration_rules(world, details, problems):
    with refused_with(Code.INVALID) as refusal:
        save_contact(actor=world.merchant1, details=details)
    assert refusal.value.errors == problems
    assert not Contact.objects.exists()


def test_the_book_has_a_size_limit(world, monkeypatch):
    monkeypatch.setattr(services, "MAX_PER_KIND", 1)
    save_contact(actor=world.merchant1, details=PICKER)
    with refused_with(Code.INVALID) as refusal:
        save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="王五", phone="13700001111"))
    assert refusal.value.errors == {"kind": "book_full"}


@pytest.mark.parametrize("a, b, off", [
    ("+8613800138000", "+8613800138001", True), ("+8613800138000", "+8613800130800", True),  # one digit; a swap
    ("+8613800138000", "+8613800138000", False), ("+8613800138000", "+8613800130001", False),
    ("+8613800138000", "+861380013800", False),
])
def test_one_digit_off(a, b, off):
    assert (b in near_keys(a)) is off


def test_likely_typos_against_the_book(world):
    saved, _ = save_contact(actor=world.merchant1, details=PICKER)
    typos = likely_typos(actor=world.merchant1, kind="picker", name="张山", phone="13800138001")
    assert [(t.code, t.contact.pk) for t in typos] == [("phone_one_digit_off", saved.pk)]
    typos = likely_typos(actor=world.merchant1, kind="picker", name="张三", phone="13911112222")
    assert [(t.code, t.contact.pk) for t in typos] == [("same_name_other_phone", saved.pk)]
    assert likely_typos(actor=world.merchant1, kind="picker", name="张三", phone="138-0013-8000") == []  # exactly saved
    assert likely_typos(actor=world.merchant1, kind="recipient", name="张三", phone="13911112222") == []  # other kind
    assert likely_typos(actor=world.merchant2, kind="picker", name="张三", phone="13911112222") == []  # other shop
