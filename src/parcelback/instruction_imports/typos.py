"""Likely typos in an import's pickers and recipients, against the shop's address book: shown on the plan and
confirmed before submitting, as in the registration dialog (a phone one digit away from a saved contact's, or a
saved name with another phone). The book is read once per kind, whatever the number of rows."""
from parcelback.accounts.actors import Actor
from parcelback.contacts.models import Contact
from parcelback.contacts.services import typo_finder
from parcelback.reverse_orders.models import PickupMethod

from .sheets import method_key

WHO = {
    str(PickupMethod.SELF_PICKUP): (Contact.Kind.PICKER, "picker_name", "picker_phone"),
    str(PickupMethod.FORWARD): (Contact.Kind.RECIPIENT, "recipient_name", "recipient_phone"),
}


def likely_typos(*, actor: Actor, rows: list[dict]) -> dict[int, list[str]]:
    """Line → warnings, for the rows the plan would submit (good rows with a pickup method)."""
    finders = {}
    found = {}
    for row in rows:
        method = method_key(row["values"].get("method", ""))
        if row["problems"] or row.get("group") is None or method not in WHO:
            continue
        kind, name, phone = WHO[method]
        if kind not in finders:
            finders[kind] = typo_finder(actor=actor, kind=kind)
        if typos := finders[kind](row["values"].get(name, ""), row["values"].get(phone, "")):
            found[row["line"]] = [t.message for t in typos]
    return found
