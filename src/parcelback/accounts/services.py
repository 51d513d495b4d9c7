"""API token actions from the console: a person issues tokens for their own systems and revokes them."""
from django.contrib.auth import get_user_model
from django.utils import timezone

from parcelback.core.errors import Code, Refused

from .actors import Actor
from .models import ApiToken


def issue_token(*, actor: Actor, name: str = "") -> tuple[ApiToken, str]:
    """A token acts as its user with the user's role, so anyone with a role may hold one (a viewer's only reads)."""
    if actor.role is None or actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    return ApiToken.issue(user=get_user_model().objects.get(pk=actor.user_id), name=name.strip())


def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    """Stop a token from working at once (a leaked or retired integration); revoking twice changes nothing."""
    token = ApiToken.objects.filter(user_id=actor.user_id, pk=token_id).first()
    if token is None:
        raise Refused(Code.NOT_FOUND, field="token")
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token.refresh_from_db(fields=["revoked_at"])
    return token
