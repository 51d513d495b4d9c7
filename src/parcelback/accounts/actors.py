"""The acting person as the domain sees them: a user, their role and their organisation."""
from dataclasses import dataclass

from .models import Organisation, Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: Role | None
    organisation: Organisation | None


SYSTEM = Actor(user_id=None, username="system", role=Role.ADMIN, organisation=None)
# Nobody signed in (or an API call without a valid token): no role, so no action and no order is theirs.
ANONYMOUS = Actor(user_id=None, username="", role=None, organisation=None)


def actor_for(user) -> Actor:
    """Resolve a Django user to an Actor; a user with no membership and no superuser flag has no role."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    if user.is_superuser:
        return Actor(user_id=user.pk, username=user.get_username(), role=Role.ADMIN, organisation=None)
    membership = getattr(user, "membership", None)
    if membership is None:
        return Actor(user_id=user.pk, username=user.get_username(), role=None, organisation=None)
    return Actor(
        user_id=user.pk,
        username=user.get_username(),
        role=Role(membership.role),
        organisation=membership.organisation,
    )
