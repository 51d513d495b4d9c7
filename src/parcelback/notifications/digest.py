"""The daily digest: once a day, after PARCELBACK_DIGEST_HOUR, each person with digest notifications since the
previous digest gets one email counting them by kind. A bounded number of queries whatever the number of orders
or people, and no write per notification: a day's run covers the notifications after the previous run's last id
(a watermark), counts them in one grouped query and writes one row per person."""
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from .models import Digest, DigestRun, Email, Notification, NotificationCursor

BATCH = 1000


def cutoff_of(day: date) -> datetime:
    """The moment a day's digest may go out."""
    return timezone.make_aware(datetime.combine(day, time(hour=settings.PARCELBACK_DIGEST_HOUR)))


def plan_digests(*, now: datetime | None = None) -> int:
    """Put together today's digests once the digest hour has passed; the worker then sends them like immediate
    emails. Returns how many were made (0 before the hour, or once today's run is done)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    if now < cutoff_of(day):
        return 0
    with transaction.atomic():
        # The fan-out's cursor row is the lock: no fan-out is half-written while the watermark is read, so every
        # notification is either under it (in this digest) or above it (in the next), and two workers make one run.
        NotificationCursor.objects.select_for_update().get_or_create(pk=1)
        if DigestRun.objects.filter(day=day).exists():
            return 0
        since = DigestRun.objects.order_by("-day").values_list("last_notification_id", flat=True).first() or 0
        until = Notification.objects.aggregate(last=Max("id"))["last"] or since
        counts: dict[int, dict[str, int]] = {}
        grouped = (
            Notification.objects.filter(id__gt=since, id__lte=until, email=Email.DIGEST)
            .order_by()
            .values_list("recipient_id", "kind")
            .annotate(n=Count("order_number", distinct=True))
        )
        for recipient_id, kind, n in grouped:
            counts.setdefault(recipient_id, {})[kind] = n
        Digest.objects.bulk_create(
            [Digest(recipient_id=r, day=day, counts=c, created_at=now, mail_due_at=now) for r, c in counts.items()],
            batch_size=BATCH,
        )
        DigestRun.objects.create(day=day, last_notification_id=until, digests=len(counts), created_at=now)
    return len(counts)
