"""What each person is told about their organisation's orders: one row per announced event and recipient (the
in-app inbox), the emails sent of them (at once, or grouped into one daily digest), and each person's settings."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.models import Organisation
from parcelback.webhooks.models import OutboxMessage


class Email(models.TextChoices):
    """How a person hears of one kind of notification by email (the inbox always has it)."""

    IMMEDIATE = "immediate", _("立即发送邮件")
    DIGEST = "digest", _("每日汇总邮件")
    OFF = "off", _("不发邮件")


class Mailing(models.Model):
    """One email's delivery state. Sending claims the row first (`mail_started_at`, committed), then talks to the
    SMTP server, then records `mailed_at`: a worker killed between the two leaves the row in doubt and it is not
    sent again (never twice); a failure the server reports puts it back with a later `mail_due_at` (retries)."""

    mail_due_at = models.DateTimeField(null=True, blank=True)  # set while it waits to be sent
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_started_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)
    mail_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def mail_state(self) -> str:
        if self.mailed_at:
            return "sent"
        if self.mail_due_at:
            return "retrying" if self.mail_attempts else "waiting"
        if self.mail_started_at:
            return "in_doubt"
        return "failed" if self.mail_error else "none"


class DigestRun(models.Model):
    """One day's putting together of the digests: it covered the notifications up to `last_notification_id`,
    the next day's run starts after it."""

    day = models.DateField(unique=True)
    last_notification_id = models.BigIntegerField()
    digests = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"digests of {self.day}"


class Digest(Mailing):
    """One person's daily email counting their digest notifications since the last one; one per person and day."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    # kind → number of distinct orders, taken once when the digest is put together.
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "recipient_id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]
        indexes = [models.Index(fields=["mail_due_at"], condition=models.Q(mail_due_at__isnull=False), name="digest_due")]

    def __str__(self) -> str:
        return f"digest {self.day} → {self.recipient_id}"


class Notification(Mailing):
    """One event for one person, so each person reads (and is mailed) their own copy."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)  # an EventKind
    order_number = models.CharField(max_length=32)
    shop = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The outbox row it came from. No database constraint: webhooks prunes old messages on its own schedule, and
    # the id must still hold the (message, recipient) key so nobody is ever told twice.
    message = models.ForeignKey(OutboxMessage, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)  # when the event happened
    read_at = models.DateTimeField(null=True, blank=True)
    # The person's email setting for this kind when it was written (a digest one is counted in the next digest).
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.OFF)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["message", "recipient"], name="notification_once")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The bell counts a person's unread rows on every page: only those are indexed.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            # The worker's scans: immediate emails due, and those whose worker stopped while sending.
            models.Index(fields=["mail_due_at"], condition=models.Q(mail_due_at__isnull=False), name="notification_mail_due"),
            models.Index(
                fields=["mail_started_at"], condition=models.Q(mail_started_at__isnull=False, mailed_at__isnull=True),
                name="notification_mail_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_number} → {self.recipient_id}"


class NotificationCursor(models.Model):
    """How far the fan-out has read the outbox (one row): webhooks' own marker belongs to webhooks."""

    last_message_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)


class NotificationSettings(models.Model):
    """A person's choices: the language of their emails, and per kind of notification how they are mailed (only
    the kinds they changed from the defaults are stored)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_settings"
    )
    language = models.CharField(_("邮件语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    email = models.JSONField(default=dict, blank=True)  # kind → an Email value

    def __str__(self) -> str:
        return f"settings of {self.user_id}"
