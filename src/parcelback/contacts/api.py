"""The address book over the API: a shop's saved pickers and recipients."""
from ninja import Query, Router, Status

from parcelback.core.api import ERRORS, refuses
from parcelback.core.errors import Code
from parcelback.core.pagination import keyset_page

from . import selectors, services
from .schemas import ContactIn, ContactPage, ContactQuery, ContactSavedOut

router = Router(tags=["contacts"])
FIELDS = ("id", "kind", "name", "phone", "country", "province", "city", "district", "street", "postcode", "created_at", "last_used_at")


def contact_out(contact) -> dict:
    return {name: getattr(contact, name) for name in FIELDS}


@router.get("/contacts", operation_id="list_contacts", response={200: ContactPage, **ERRORS}, summary="Your shop's address book")
@refuses(Code.INVALID, Code.NOT_PERMITTED)
def list_contacts(request, query: Query[ContactQuery]):
    """The last used first; `kind` and `q` narrow it. Merchant operators and viewers (others: 403)."""
    services.shop_of(request.auth, write=False)
    rows = selectors.contacts_for(actor=request.auth, kind=query.kind, q=query.q)
    page, next_cursor = keyset_page(rows, selectors.ORDERING, limit=query.limit, cursor=query.cursor)
    return {"results": [contact_out(c) for c in page], "next_cursor": next_cursor}


@router.post(
    "/contacts", operation_id="create_contact",
    response={200: ContactSavedOut, 201: ContactSavedOut, **ERRORS},
    summary="Save a contact",
)
@refuses(Code.INVALID, Code.NOT_PERMITTED, write=True)
def create_contact(request, payload: ContactIn):
    """201 with the new contact, or 200 with the one already holding these very details. `warnings` lists saved
    contacts it looks like a slip of (a phone one digit away, the same name with another phone)."""
    details = services.ContactDetails(**payload.dict())
    warnings = services.likely_typos(actor=request.auth, kind=details.kind, name=details.name, phone=details.phone)
    contact, created = services.save_contact(actor=request.auth, details=details)
    typos = [
        {"code": w.code, "contact_id": w.contact.pk, "name": w.contact.name, "phone": w.contact.phone}
        for w in warnings if w.contact.pk != contact.pk
    ]
    return Status(201 if created else 200, contact_out(contact) | {"warnings": typos})


@router.delete(
    "/contacts/{contact_id}", operation_id="delete_contact",
    response={204: None, **ERRORS},
    summary="Delete a contact",
)
@refuses(Code.INVALID, Code.NOT_FOUND, Code.NOT_PERMITTED)
def delete_contact(request, contact_id: int):
    services.delete_contact(actor=request.auth, contact_id=contact_id)
    return Status(204, None)
