"""What every console template knows about the acting person (resolved lazily: a page that never asks costs nothing)."""
from django.utils.functional import SimpleLazyObject

from .models import Role


def actor(request) -> dict:
    acting = getattr(request, "actor", None)
    if acting is None:
        return {}
    return {"actor": acting, "is_provider": SimpleLazyObject(lambda: acting.role == Role.PROVIDER_OPERATOR)}
