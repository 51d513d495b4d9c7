"""Emails of notifications, sent by the worker: immediate ones per notification, and each person's daily digest.

Never twice: a row is claimed (committed) just before the SMTP conversation and marked sent just after; a worker
killed in between leaves it in doubt and it is not sent again (the inbox still has the notification). Everything
the server refuses is retried with backoff, except a permanent (5xx) refusal of the recipient, which is logged as a
bounce. Nothing secret goes into an email: no pickup code, no token, no event payload.
"""
import logging
import smtplib
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from parcelback.reverse_orders.models import EventKind

from .models import Digest, Mailing, Notification
from .rules import LIST_OF_KIND

logger = logging.getLogger("parcelback.mail")

RETRY_AFTER = [timedelta(minutes=m) for m in (1, 5, 30, 120, 360)]  # then it is given up
# After the server could not be reached, this process leaves it alone for a while: the worker's other jobs
# (webhooks) share its loop and must not wait on a connection timeout every round.
UNREACHABLE_PAUSE = timedelta(minutes=1)
_paused_until: datetime | None = None
IN_DOUBT_AFTER = timedelta(minutes=10)
LABELS = dict(EventKind.choices)


def link(path: str, query: str = "") -> str:
    return f"{settings.PARCELBACK_BASE_URL}{path}" + (f"?{query}" if query else "")


def language_of(user) -> str:
    chosen = getattr(user, "notification_settings", None)
    return chosen.language if chosen else settings.LANGUAGE_CODE


def compose(row: Mailing, template: str, context: dict, key: str) -> EmailMultiAlternatives:
    """Subject, text and HTML from `notifications/email/<template>.*`, in the recipient's language; the
    Message-ID is the row's own, so a receiving system sees any copy as the same message."""
    user = row.recipient
    with translation.override(language_of(user)):
        context = context | {"name": user.get_full_name() or user.username, "settings_url": link(reverse("notifications:settings"))}
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    domain = urlsplit(settings.PARCELBACK_BASE_URL).hostname or "parcelback.localhost"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[user.email], headers={"Message-ID": f"<{key}@{domain}>"}
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    context = {
        "label": LABELS.get(notification.kind, notification.kind),
        "number": notification.order_number,
        "shop": notification.shop.name,
        "provider": notification.provider.name,
        "at": timezone.localtime(notification.created_at),
        "order_url": link(reverse("orders:detail", args=[notification.order_number])),
        "inbox_url": link(reverse("notifications:inbox")),
    }
    return compose(notification, "notification", context, f"notification-{notification.pk}")


def digest_email(digest: Digest) -> EmailMultiAlternatives:
    lines = [
        {"label": LABELS.get(kind, kind), "count": count, "url": link(reverse("orders:list"), LIST_OF_KIND.get(kind, ""))}
        for kind in EventKind.values
        if (count := digest.counts.get(kind))
    ]
    context = {"day": digest.day, "lines": lines, "total": sum(line["count"] for line in lines), "inbox_url": link(reverse("notifications:inbox"))}
    return compose(digest, "digest", context, f"digest-{digest.pk}")


def refusal(error: Exception) -> tuple[bool, str]:
    """(permanent?, what to record) for an error while sending one message to one recipient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (0, b""))
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return code >= 500, f"recipient refused: {code} {text}"
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, smtplib.SMTPSenderRefused):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        return error.smtp_code >= 500, f"refused: {error.smtp_code} {text}"
    return False, f"{type(error).__name__}: {error}"


def record_sent(row: Mailing, now: datetime) -> None:
    type(row).objects.filter(pk=row.pk).update(mailed_at=now, mail_error="")


def send_one(connection, row: Mailing, build, now: datetime) -> bool:
    """Build, claim, send, record one email; True if the server accepted it."""
    model = type(row)
    if not row.recipient.email or not row.recipient.is_active:
        model.objects.filter(pk=row.pk).update(mail_due_at=None, mail_error="no address (or person inactive)")
        return False
    message = build(row)  # before the claim: a template error must not leave the row in doubt
    claimed = model.objects.filter(pk=row.pk, mail_due_at=row.mail_due_at, mailed_at__isnull=True).update(
        mail_due_at=None, mail_started_at=now, mail_attempts=F("mail_attempts") + 1
    )
    if not claimed:
        return False  # another worker took it
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        connection.close()  # the next message starts a fresh session
        permanent, reason = refusal(error)
        attempts = row.mail_attempts + 1
        retry = not permanent and attempts <= len(RETRY_AFTER)
        model.objects.filter(pk=row.pk).update(
            mail_due_at=now + RETRY_AFTER[attempts - 1] if retry else None, mail_started_at=None, mail_error=reason[:300]
        )
        log = logger.info if retry else logger.warning
        log("%s %s to user %s not sent (%s, attempt %s): %s", model.__name__.lower(), row.pk, row.recipient_id,
            "will retry" if retry else "given up", attempts, reason)
        return False
    record_sent(row, timezone.now())
    return True


def send_due_mail(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send the immediate emails and digests that are due, over one SMTP session; returns how many were sent."""
    global _paused_until
    now = now or timezone.now()
    if _paused_until and timezone.now() < _paused_until:
        return 0
    batches = [
        (Notification.objects.select_related("shop", "provider"), notification_email),
        (Digest.objects.all(), digest_email),
    ]
    due = [
        (row, build)
        for queryset, build in batches
        for row in queryset.filter(mail_due_at__lte=now)
        .select_related("recipient", "recipient__notification_settings")
        .order_by("mail_due_at", "id")[:limit]
    ]
    if not due:
        return 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        _paused_until = timezone.now() + UNREACHABLE_PAUSE
        logger.warning("the mail server cannot be reached (%s): %s emails wait; trying again in a minute", error, len(due))
        return 0
    _paused_until = None
    try:
        return sum(send_one(connection, row, build, now) for row, build in due)
    finally:
        connection.close()


def report_in_doubt(*, now: datetime | None = None) -> int:
    """Log the emails whose worker stopped between claiming and recording them: they are not sent again."""
    now = now or timezone.now()
    found = 0
    for model in (Notification, Digest):
        stuck = model.objects.filter(
            mail_started_at__lt=now - IN_DOUBT_AFTER, mailed_at__isnull=True, mail_due_at__isnull=True, mail_error=""
        )
        for pk, user_id in stuck.values_list("pk", "recipient_id")[:500]:
            logger.warning("%s %s to user %s: the worker stopped while sending; it may or may not have arrived and is not sent again",
                           model.__name__.lower(), pk, user_id)
        found += stuck.update(mail_error="in doubt: the worker stopped while sending")
    return found
