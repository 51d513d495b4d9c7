"""The daily digest: once a day, after PARCELBACK_DIGEST_HOUR, each person whose digest notifications wait gets one
email counting them by kind. A bounded number of queries whatever the number of orders: the digests are made and
the notifications linked to them in set-wise statements, and the counts taken in one grouped query."""
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone

from .models import Digest, Email, Notification, NotificationCursor

BATCH = 1000


def cutoff_of(day: date) -> datetime:
    """The moment a day's digest closes: what came before it is in that day's digest, the rest in the next."""
    return timezone.make_aware(datetime.combine(day, time(hour=settings.PARCELBACK_DIGEST_HOUR)))


def plan_digests(*, now: datetime | None = None) -> int:
    """Put together today's digests once the digest hour has passed; they are then sent like immediate emails.
    Returns how many digests were made (0 before the hour, or once today's are made)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    cutoff = cutoff_of(day)
    if now < cutoff:
        return 0
    waiting = Notification.objects.filter(email=Email.DIGEST, digest__isnull=True, created_at__lt=cutoff)
    with transaction.atomic():
        # One planner at a time (the fan-out's cursor row is the lock): two workers' sweeps make one digest each.
        NotificationCursor.objects.select_for_update().get_or_create(pk=1)
        recipients = list(waiting.order_by().values_list("recipient_id", flat=True).distinct())
        if not recipients:
            return 0
        Digest.objects.bulk_create(
            [Digest(recipient_id=r, day=day, created_at=now) for r in recipients], ignore_conflicts=True, batch_size=BATCH
        )
        # Only into a digest not yet sent: what comes late after today's went out waits for tomorrow's.
        unsent = Digest.objects.filter(recipient=OuterRef("recipient"), day=day, mail_started_at__isnull=True)
        waiting.filter(Exists(unsent)).update(digest=Subquery(unsent.values("pk")[:1]))
        counts: dict[int, dict[str, int]] = {}
        grouped = (
            Notification.objects.filter(digest__day=day, digest__mail_started_at__isnull=True)
            .order_by()
            .values_list("digest_id", "kind")
            .annotate(n=Count("order_number", distinct=True))
        )
        for digest_id, kind, n in grouped:
            counts.setdefault(digest_id, {})[kind] = n
        digests = []
        for digest in Digest.objects.filter(day=day, mail_started_at__isnull=True).only("pk", "mail_due_at"):
            if digest.pk in counts:
                digest.counts, digest.mail_due_at = counts[digest.pk], digest.mail_due_at or now
                digests.append(digest)
        Digest.objects.bulk_update(digests, ["counts", "mail_due_at"], batch_size=BATCH)
    return len(digests)
