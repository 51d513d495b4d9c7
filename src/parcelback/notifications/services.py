"""A person's actions on their notifications: marking them read, and their settings."""
from django.conf import settings
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .models import Email, NotificationSettings
from .rules import MERCHANT_SIDE, PROVIDER_SIDE, default_email, kinds_heard
from .selectors import notifications_for

MAX_IDS = 500


def mark_read(*, actor: Actor, ids: list[int] | None = None, all: bool = False) -> int:
    """Mark the given (or all) of the actor's unread notifications read; others' ids are silently not theirs.
    Returns how many were marked."""
    if not all and not ids:
        raise Refused(Code.INVALID, field="ids", errors={"ids": "required"})
    if ids and len(ids) > MAX_IDS:
        raise Refused(Code.INVALID, field="ids", errors={"ids": "too_long"})
    unread = notifications_for(actor=actor).filter(read_at__isnull=True)
    if not all:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def settings_of(user) -> NotificationSettings:
    """The person's settings (unsaved defaults if they never changed them)."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def save_settings(*, actor: Actor, language: str, email: dict[str, str]) -> NotificationSettings:
    """Keep the person's email language and, per kind they hear of, how they are mailed (only what differs from
    the defaults is stored, so a later change of a default reaches everyone who never chose)."""
    if actor.user_id is None or actor.role not in (*MERCHANT_SIDE, *PROVIDER_SIDE):
        raise Refused(Code.NOT_PERMITTED)
    kinds = kinds_heard(actor.role)
    errors = {f"email.{kind}": "invalid_choice" for kind, value in email.items() if kind not in kinds or value not in Email.values}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = "invalid_choice"
    if errors:
        raise Refused(Code.INVALID, errors=errors)
    chosen = {kind: value for kind, value in email.items() if value != default_email(actor.role, kind)}
    saved, _created = NotificationSettings.objects.update_or_create(
        user_id=actor.user_id, defaults={"language": language, "email": chosen}
    )
    return saved
