"""Reads of the address book: a shop's own contacts only, the last used first."""
from django.db.models import Q

from parcelback.accounts.actors import Actor

from .models import Contact
from .services import READERS

ORDERING = ("-last_used_at", "-id")


def contacts_for(*, actor: Actor, kind: str | None = None, q: str = ""):
    """The actor's shop's contacts (none for anyone else), optionally of one kind and matching `q` in the name,
    the phone or the address."""
    if actor.role not in READERS or actor.organisation is None:
        return Contact.objects.none()
    rows = Contact.objects.filter(shop=actor.organisation).order_by(*ORDERING)
    if kind:
        rows = rows.filter(kind=kind)
    if q := (q or "").strip():
        rows = rows.filter(Q(name__icontains=q) | Q(phone__icontains=q) | Q(street__icontains=q) | Q(city__icontains=q))
    return rows
