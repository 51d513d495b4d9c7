"""Saved views of the order list: saving the list's current query under a name, renaming and deleting. Everyone with
a role in an organisation keeps personal views; sharing with the whole organisation, and managing a shared view,
is for that organisation's operators. The platform admin has no list of their own to save."""
import unicodedata

from django.core.exceptions import TooManyFieldsSent
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Organisation, Role
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from .. import selectors
from ..filters import ReverseOrderFilter
from ..models import (
    MAX_SHARED_VIEWS,
    MAX_VIEWS_PER_PERSON,
    SAVED_VIEW_NAME_LENGTH,
    SAVED_VIEW_QUERY_LENGTH,
    ReverseOrder,
    SavedView,
)

VIEW_OWNERS = (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER, Role.PROVIDER_OPERATOR)
VIEW_SHARERS = (Role.MERCHANT_OPERATOR, Role.PROVIDER_OPERATOR)
# What the list does when a key is absent: the same view whether the URL spells these out or not.
LIST_DEFAULTS = {"tab": "all", "ordering": "-created", "per_page": "50", "number_type": "number", "time_field": "created"}


def list_query(params) -> str:
    """The list query `params` (a QueryDict or its string) as a saved view keeps it: the filterset's keys and the
    page size, in one order, without defaults, blanks, the page, a selection or any other key. A known key with a
    value the list would not accept is refused (`errors` name it), so a view never silently shows another list."""
    try:
        params = QueryDict(params) if isinstance(params, str) else params
    except TooManyFieldsSent:
        raise Refused(Code.INVALID, field="query", errors={"query": "too_long"}) from None
    kept = {}
    for key in [*ReverseOrderFilter.base_filters, "per_page"]:
        if not is_blank(value := (params.get(key) or "").strip()):
            kept[key] = value
    problems = {f"query.{key}": "invalid_choice" for key in ReverseOrderFilter(kept, queryset=ReverseOrder.objects.none()).errors}
    if "per_page" in kept and kept["per_page"] not in map(str, selectors.PAGE_SIZES):
        problems["query.per_page"] = "invalid_choice"
    if problems:
        raise Refused(Code.INVALID, field="query", errors=problems)
    if kept.get("tab", "all") != "all":
        kept.pop("reverse_type", None)  # the type filter is a 全部-tab filter only: elsewhere the list ignores it
    query = urlencode([(key, value) for key, value in kept.items() if LIST_DEFAULTS.get(key) != value])
    if len(query) > SAVED_VIEW_QUERY_LENGTH:
        raise Refused(Code.INVALID, field="query", errors={"query": "too_long"})
    return query


def organisation_of(actor: Actor) -> Organisation:
    """The organisation whose list the actor's views belong to."""
    if actor.role not in VIEW_OWNERS or actor.organisation is None or actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    return actor.organisation


def cleaned_name(name: str | None) -> str:
    """The name as shown on a tab: trimmed, no control characters; refused blank or longer than a tab allows."""
    name = "".join(c for c in (name or "") if unicodedata.category(c) != "Cc").strip()
    if is_blank(name):
        raise Refused(Code.INVALID, field="name", errors={"name": "required"})
    if len(name) > SAVED_VIEW_NAME_LENGTH:
        raise Refused(Code.INVALID, field="name", errors={"name": "too_long"})
    return name


def _check_name_free(organisation: Organisation, name: str, *, owner_id: int, actor: Actor, view_id: int | None = None):
    """A name is one tab: unique among its owner's views, and among the tabs the actor and the owner see."""
    clash = SavedView.objects.filter(organisation=organisation, name=name).filter(
        Q(owner_id=owner_id) | Q(owner_id=actor.user_id) | Q(shared=True)
    )
    if clash.exclude(pk=view_id).exists():
        raise Refused(Code.INVALID, field="name", errors={"name": "name_taken"})


def _written(write):
    """Run a write; two people saving the same name at once meet the database's constraint, answered alike."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        raise Refused(Code.INVALID, field="name", errors={"name": "name_taken"}) from None


def save_view(*, actor: Actor, name: str, query, shared: bool = False) -> SavedView:
    """Keep the list's current query (`query`: the list's QueryDict or query string) as a named tab."""
    organisation = organisation_of(actor)
    if shared and actor.role not in VIEW_SHARERS:
        raise Refused(Code.NOT_PERMITTED, field="shared")
    name, query = cleaned_name(name), list_query(query)
    _check_name_free(organisation, name, owner_id=actor.user_id, actor=actor)
    if SavedView.objects.filter(organisation=organisation, owner_id=actor.user_id).count() >= MAX_VIEWS_PER_PERSON:
        raise Refused(Code.INVALID, field="name", errors={"name": "views_full"})
    if shared and SavedView.objects.filter(organisation=organisation, shared=True).count() >= MAX_SHARED_VIEWS:
        raise Refused(Code.INVALID, field="shared", errors={"shared": "shared_views_full"})
    return _written(lambda: SavedView.objects.create(
        organisation=organisation, owner_id=actor.user_id, name=name, query=query, shared=shared
    ))


def _managed_view(actor: Actor, view_id: int) -> SavedView:
    """A view the actor may rename or delete: their own personal one, or (operators) one shared in their
    organisation. Anyone else's is not there (404)."""
    view = selectors.visible_views(actor).filter(pk=view_id).first()
    if view is None:
        raise Refused(Code.NOT_FOUND)
    if view.shared and actor.role not in VIEW_SHARERS:
        raise Refused(Code.NOT_PERMITTED)
    return view


def rename_view(*, actor: Actor, view_id: int, name: str) -> SavedView:
    view = _managed_view(actor, view_id)
    name = cleaned_name(name)
    _check_name_free(actor.organisation, name, owner_id=view.owner_id, actor=actor, view_id=view.pk)
    view.name, view.updated_at = name, timezone.now()
    _written(lambda: view.save(update_fields=["name", "updated_at"]))
    return view


def delete_view(*, actor: Actor, view_id: int) -> None:
    _managed_view(actor, view_id).delete()
