"""The worker's fan-out: every announced outbox message becomes one notification per person who should hear of it."""
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.models import Membership, Role
from parcelback.reverse_orders.models import EventKind
from parcelback.webhooks.models import KIND_OF_EVENT_TYPE, OutboxMessage

from .models import Notification, NotificationCursor

MERCHANT_SIDE = (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER)
PROVIDER_SIDE = (Role.PROVIDER_OPERATOR,)
# Who hears of what by default: the shop's people of what needs (or finished) their decision, the provider's
# operators of a new instruction or question for their warehouses.
SHOP_HEARS = {
    EventKind.DEADLINE_NEAR, EventKind.OVERDUE, EventKind.EXCEPTION_RAISED, EventKind.EXCEPTION_COMMENTED,
    EventKind.EXCEPTION_RESOLVED, EventKind.HANDED_OVER, EventKind.FORWARDED, EventKind.DESTROYED,
    EventKind.HANDOVER_LOCKED, EventKind.CANCELLED,
}
# Every exception comment, the provider's own included: the outbox payload does not say who commented.
PROVIDER_HEARS = {
    EventKind.PICKUP_REGISTERED, EventKind.DESTRUCTION_CONFIRMED, EventKind.EXCEPTION_COMMENTED,
    EventKind.PICKUP_CODE_REISSUED,
}
# A message's id is taken at insert but seen at commit: on PostgreSQL a lower id can appear after a higher one.
# Messages younger than this are notified at once but the cursor waits before passing them, so none is skipped.
SETTLE = timedelta(seconds=60)


def recipients_by_organisation(organisation_ids: set[int]) -> dict[tuple[int, str], list[int]]:
    """(organisation, role) → active people, for a whole batch in one query."""
    found: dict[tuple[int, str], list[int]] = {}
    rows = Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True).values_list(
        "organisation_id", "role", "user_id"
    )
    for organisation_id, role, user_id in rows:
        found.setdefault((organisation_id, role), []).append(user_id)
    return found


def notifications_of(message: OutboxMessage, people: dict[tuple[int, str], list[int]]) -> list[Notification]:
    kind = KIND_OF_EVENT_TYPE.get(message.event_type)
    users = []
    if kind in SHOP_HEARS:
        users += [u for role in MERCHANT_SIDE for u in people.get((message.shop_id, role), [])]
    if kind in PROVIDER_HEARS:
        users += [u for role in PROVIDER_SIDE for u in people.get((message.provider_id, role), [])]
    return [
        Notification(
            recipient_id=user_id, kind=kind, order_number=message.order_number, shop_id=message.shop_id,
            provider_id=message.provider_id, message_id=message.pk, created_at=message.created_at,
        )
        for user_id in dict.fromkeys(users)
    ]


def fan_out_notifications(*, limit: int = 500, now: datetime | None = None) -> int:
    """Notify the people of the next outbox messages after the cursor; returns how many messages the cursor
    passed (so the worker knows whether more may be waiting). At least once, never twice: the rows and the
    cursor are written in one transaction and (message, recipient) is unique."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor = NotificationCursor.objects.select_for_update().filter(pk=1).first()
        if cursor is None:
            cursor, _ = NotificationCursor.objects.get_or_create(pk=1)
        messages = list(
            OutboxMessage.objects.filter(pk__gt=cursor.last_message_id).defer("payload").order_by("id")[:limit]
        )
        if not messages:
            return 0
        people = recipients_by_organisation({m.shop_id for m in messages} | {m.provider_id for m in messages})
        rows = [n for m in messages for n in notifications_of(m, people)]
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


def catch_up() -> int:
    """Fan out the whole outbox now (the demo, with no other writer running, need not wait for messages to settle)."""
    total = 0
    while passed := fan_out_notifications(now=timezone.now() + SETTLE):
        total += passed
    return total
