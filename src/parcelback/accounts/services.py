"""Accounts actions from the console: a person's API tokens, and a provider's warehouse details."""
from django.contrib.auth import get_user_model
from django.utils import timezone

from parcelback.core.errors import Code, Refused

from .actors import Actor
from .models import ApiToken, Role, Warehouse
from .tokens import forget

WAREHOUSE_DETAILS = ("address", "opening_hours", "contact_phone")


def issue_token(*, actor: Actor, name: str = "") -> tuple[ApiToken, str]:
    """A token acts as its user with the user's role, so anyone with a role may hold one (a viewer's only reads)."""
    if actor.role is None or actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    return ApiToken.issue(user=get_user_model().objects.get(pk=actor.user_id), name=name.strip())


def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    """Stop a token from working (a leaked or retired integration); revoking twice changes nothing."""
    token = ApiToken.objects.filter(user_id=actor.user_id, pk=token_id).first()
    if token is None:
        raise Refused(Code.NOT_FOUND, field="token")
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token.refresh_from_db(fields=["revoked_at"])
    forget(token.key_hash)  # at once here; other server processes within PARCELBACK_TOKEN_CACHE_SECONDS
    return token


def update_warehouse(*, actor: Actor, code: str, address: str, opening_hours: str, contact_phone: str) -> Warehouse:
    """A provider keeps where and when its warehouse hands parcels over, and whom to call, current for merchants."""
    if actor.role != Role.PROVIDER_OPERATOR or actor.organisation is None:
        raise Refused(Code.NOT_PERMITTED)
    warehouse = Warehouse.objects.filter(provider_id=actor.organisation.pk, code=code).first()
    if warehouse is None:
        raise Refused(Code.NOT_FOUND, field="warehouse")
    values = {"address": address, "opening_hours": opening_hours, "contact_phone": contact_phone}
    errors = {
        name: "too_long"
        for name, value in values.items()
        if len(value.strip()) > Warehouse._meta.get_field(name).max_length
    }
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    for name, value in values.items():
        setattr(warehouse, name, value.strip())
    warehouse.save(update_fields=list(WAREHOUSE_DETAILS))
    return warehouse
