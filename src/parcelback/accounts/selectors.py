"""Reads of a person's own API tokens (prefixes only: the secrets are not stored)."""
from .actors import Actor
from .models import ApiToken


def tokens_of(*, actor: Actor):
    return ApiToken.objects.filter(user_id=actor.user_id).order_by("-created_at", "-id")
