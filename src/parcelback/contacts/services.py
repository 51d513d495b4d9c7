"""The address book's actions: saving a contact (or finding it already there), deleting one, and noticing a likely
typo against the book before an irreversible registration."""
from dataclasses import dataclass, fields

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Role
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from .models import MAX_PER_KIND, Contact
from .rules import address_problems, phone_problem, same_phone_key

READERS = (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER)


@dataclass(frozen=True)
class ContactDetails:
    kind: str
    name: str
    phone: str
    country: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""

    def cleaned(self) -> "ContactDetails":
        return ContactDetails(**{f.name: (getattr(self, f.name) or "").strip() for f in fields(self)})


def problems(details: ContactDetails) -> dict[str, str]:
    """Field → problem code: the same rules as a registration's picker or recipient."""
    if details.kind not in Contact.Kind.values:
        return {"kind": "invalid_choice"}
    found = {"name": "required"} if is_blank(details.name) else {}
    if problem := phone_problem(details.phone):
        found["phone"] = problem
    if details.kind == Contact.Kind.RECIPIENT:
        found |= address_problems(
            country=details.country, province=details.province, city=details.city, street=details.street,
            postcode=details.postcode,
        )
    return found


def shop_of(actor: Actor, *, write: bool):
    """The shop whose book the actor may read (its operators and viewers) or change (its operators)."""
    allowed = (Role.MERCHANT_OPERATOR,) if write else READERS
    if actor.role not in allowed or actor.organisation is None:
        raise Refused(Code.NOT_PERMITTED)
    return actor.organisation


def _same(shop, details: ContactDetails):
    """The contact already in the book with these very details (the phone however it is written)."""
    same = Contact.objects.filter(
        shop=shop, kind=details.kind, name=details.name, phone_key=same_phone_key(details.phone)
    )
    if details.kind == Contact.Kind.RECIPIENT:
        same = same.filter(**{f: getattr(details, f) for f in Contact.ADDRESS})
    return same.first()


def save_contact(*, actor: Actor, details: ContactDetails) -> tuple[Contact, bool]:
    """Keep a picker or recipient in the shop's book; the same details again are the same contact (moved to the
    top). Returns the contact and whether it is new."""
    shop = shop_of(actor, write=True)
    details = details.cleaned()
    if found := problems(details):
        raise Refused(Code.INVALID, errors=found)
    now = timezone.now()
    with transaction.atomic():
        if existing := _same(shop, details):
            Contact.objects.filter(pk=existing.pk).update(last_used_at=now)
            existing.last_used_at = now
            return existing, False
        if Contact.objects.filter(shop=shop, kind=details.kind).count() >= MAX_PER_KIND:
            raise Refused(Code.INVALID, field="kind", errors={"kind": "book_full"})
        address = {f: getattr(details, f) for f in Contact.ADDRESS} if details.kind == Contact.Kind.RECIPIENT else {}
        contact = Contact.objects.create(
            shop=shop, kind=details.kind, name=details.name, phone=details.phone, phone_key=same_phone_key(details.phone),
            created_by_id=actor.user_id, created_at=now, last_used_at=now, **address,
        )
    return contact, True


def mark_used(*, actor: Actor, details: ContactDetails) -> None:
    """A registration used these details: the contact with them (if any) comes first next time."""
    if actor.role == Role.MERCHANT_OPERATOR and actor.organisation is not None:
        if existing := _same(actor.organisation, details.cleaned()):
            Contact.objects.filter(pk=existing.pk).update(last_used_at=timezone.now())


def delete_contact(*, actor: Actor, contact_id: int) -> None:
    shop = shop_of(actor, write=True)
    deleted, _ = Contact.objects.filter(shop=shop, pk=contact_id).delete()
    if not deleted:
        raise Refused(Code.NOT_FOUND)


@dataclass(frozen=True)
class LikelyTypo:
    """A warning the user confirms: typed details that look like a saved contact's written wrong."""

    code: str  # "phone_one_digit_off" | "same_name_other_phone"
    contact: Contact

    @property
    def message(self) -> str:
        return str(TYPO_MESSAGES[self.code]) % {"name": self.contact.name, "phone": self.contact.phone}


TYPO_MESSAGES = {
    "phone_one_digit_off": _("电话与地址簿中的 %(name)s(%(phone)s)只差一位数字"),
    "same_name_other_phone": _("地址簿中的 %(name)s 登记的电话是 %(phone)s"),
}


def near_keys(key: str) -> set[str]:
    """Every number one digit away from `key`, or with two neighbouring digits swapped."""
    near = set()
    for i, digit in enumerate(key):
        if digit.isdigit():
            near |= {key[:i] + other + key[i + 1:] for other in "0123456789" if other != digit}
            if i + 1 < len(key) and key[i + 1].isdigit() and key[i + 1] != digit:
                near.add(key[:i] + key[i + 1] + digit + key[i + 2:])
    return near


def typo_finder(*, actor: Actor, kind: str):
    """A check of typed (name, phone) against the shop's book, read once: for a whole spreadsheet as for one dialog.
    Saved contacts the typed details look like a slip of: a phone one digit away from a saved one, or a saved
    name with another phone; nothing when the details are exactly a saved contact's."""
    book = []
    if actor.role in READERS and actor.organisation is not None:
        book = list(Contact.objects.filter(shop=actor.organisation, kind=kind)[:MAX_PER_KIND])
    by_key: dict[str, list[Contact]] = {}
    by_name: dict[str, list[Contact]] = {}
    for contact in book:
        by_key.setdefault(contact.phone_key, []).append(contact)
        by_name.setdefault(contact.name, []).append(contact)

    def find(name: str, phone: str) -> list[LikelyTypo]:
        if is_blank(phone) or not book:
            return []
        key, name = same_phone_key(phone), (name or "").strip()
        if any(c.name == name for c in by_key.get(key, [])):
            return []
        near = [c for k in near_keys(key) for c in by_key.get(k, [])]
        found = [LikelyTypo("phone_one_digit_off", c) for c in near]
        seen = {c.pk for c in near}  # one warning per saved contact, the closer match first
        found += [LikelyTypo("same_name_other_phone", c) for c in by_name.get(name, []) if c.phone_key != key and c.pk not in seen]
        return found

    return find


def likely_typos(*, actor: Actor, kind: str, name: str, phone: str) -> list[LikelyTypo]:
    return typo_finder(actor=actor, kind=kind)(name, phone)
