"""Reads of accounts data: a person's own API tokens (prefixes only: the secrets are not stored) and warehouses."""
from .actors import Actor
from .models import ApiToken, Organisation, Role, Warehouse


def tokens_of(*, actor: Actor):
    return ApiToken.objects.filter(user_id=actor.user_id).order_by("-created_at", "-id")


def own_warehouses(*, actor: Actor):
    """The warehouses a provider runs (none for anyone else): where it may create orders."""
    if actor.role != Role.PROVIDER_OPERATOR or actor.organisation is None:
        return Warehouse.objects.none()
    return Warehouse.objects.filter(provider_id=actor.organisation.pk).order_by("code")


def filter_warehouses(*, actor: Actor):
    """The 仓库 filter's choices: a provider's own warehouses; for a shop every warehouse (a cheap list,
    where asking which ones hold its orders would scan them all on every page view)."""
    if actor.role == Role.PROVIDER_OPERATOR:
        return own_warehouses(actor=actor)
    return Warehouse.objects.order_by("code")


def may_edit_warehouses(*, actor: Actor) -> bool:
    return actor.role == Role.PROVIDER_OPERATOR and actor.organisation is not None


def warehouses_of(*, actor: Actor):
    """The provider's own warehouses, for its 仓库信息 page."""
    return own_warehouses(actor=actor)


def shop_choices():
    """Every shop a provider may hold parcels for, to pick from when creating an order by hand."""
    return Organisation.objects.filter(kind=Organisation.Kind.SHOP).order_by("code")
