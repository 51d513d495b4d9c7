"""The worker's fan-out: every announced outbox message becomes one notification per person who should hear of it."""
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.models import Membership
from parcelback.webhooks.models import KIND_OF_EVENT_TYPE, OutboxMessage

from .models import Email, Notification, NotificationCursor
from .rules import MERCHANT_SIDE, PROVIDER_HEARS, PROVIDER_HEARS_FROM_SHOP, PROVIDER_SIDE, SHOP_HEARS, email_for

# A message's id is taken at insert but seen at commit: on PostgreSQL a lower id can appear after a higher one.
# Messages younger than this are notified at once but the cursor waits before passing them, so none is skipped.
SETTLE = timedelta(seconds=60)


# (organisation, role) → [(user id, email address, their email choices)]
People = dict[tuple[int, str], list[tuple[int, str, dict | None]]]


def recipients_by_organisation(organisation_ids: set[int]) -> People:
    """(organisation, role) → active people with their address and settings, for a whole batch in one query."""
    found: People = {}
    rows = Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True).values_list(
        "organisation_id", "role", "user_id", "user__email", "user__notification_settings__email"
    )
    for organisation_id, role, user_id, address, chosen in rows:
        found.setdefault((organisation_id, role), []).append((user_id, address, chosen))
    return found


def notifications_of(message: OutboxMessage, people: People) -> list[Notification]:
    kind = KIND_OF_EVENT_TYPE.get(message.event_type)
    told = {}
    for heard, side, organisation_id in (
        (SHOP_HEARS, MERCHANT_SIDE, message.shop_id), (PROVIDER_HEARS, PROVIDER_SIDE, message.provider_id)
    ):
        if kind not in heard or organisation_id == message.actor_organisation_id:  # not of one's own doing
            continue
        if side == PROVIDER_SIDE and kind in PROVIDER_HEARS_FROM_SHOP and message.actor_organisation_id != message.shop_id:
            continue
        for role in side:
            for user_id, address, chosen in people.get((organisation_id, role), []):
                told.setdefault(user_id, email_for(role, kind, chosen) if address else Email.OFF)
    return [
        Notification(
            recipient_id=user_id, kind=kind, order_number=message.order_number, shop_id=message.shop_id,
            provider_id=message.provider_id, message_id=message.pk, created_at=message.created_at,
            email=email, mail_due_at=message.created_at if email == Email.IMMEDIATE else None,
        )
        for user_id, email in told.items()
    ]


def fan_out_notifications(*, limit: int = 500, now: datetime | None = None) -> int:
    """Notify the people of the next outbox messages after the cursor; returns how many messages the cursor
    passed (so the worker knows whether more may be waiting). At least once, never twice: the rows and the
    cursor are written in one transaction and (message, recipient) is unique."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked even when two workers create the row at once: the loser's get after its failed insert locks too.
        cursor, _ = NotificationCursor.objects.select_for_update().get_or_create(pk=1)
        messages = list(
            OutboxMessage.objects.filter(pk__gt=cursor.last_message_id).defer("payload").order_by("id")[:limit]
        )
        if not messages:
            return 0
        people = recipients_by_organisation({m.shop_id for m in messages} | {m.provider_id for m in messages})
        rows = [n for m in messages for n in notifications_of(m, people)]
        rows.sort(key=lambda n: (n.message_id, n.recipient_id))  # one insert order for every writer: no deadlock
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        settled = 0
        for message in messages:  # the cursor passes the oldest run of settled messages only
            if message.created_at > now - SETTLE:
                break
            settled += 1
        if settled:
            cursor.last_message_id = messages[settled - 1].pk
            cursor.updated_at = now
            cursor.save(update_fields=["last_message_id", "updated_at"])
    return settled


def catch_up(*, mail_newest: int | None = None) -> int:
    """Fan out the whole outbox now (the demo, with no other writer running, need not wait for messages to settle).
    With `mail_newest`, each person's immediate emails are kept for their newest few only: the demo's history
    would otherwise print hundreds of emails when its worker starts."""
    total = 0
    while passed := fan_out_notifications(now=timezone.now() + SETTLE):
        total += passed
    if mail_newest is not None:
        due = Notification.objects.filter(mail_due_at__isnull=False, mail_attempts=0)
        for recipient_id in set(due.values_list("recipient_id", flat=True)):
            newest = due.filter(recipient_id=recipient_id).order_by("-created_at", "-id").values_list("pk", flat=True)
            due.filter(recipient_id=recipient_id).exclude(pk__in=list(newest[:mail_newest])).update(
                mail_due_at=None, mail_error="not mailed: demo history"
            )
    return total
