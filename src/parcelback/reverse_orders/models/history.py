"""What happened, kept: the timeline of every order, and the export jobs people asked for."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .orders import ReverseOrder

class EventKind(models.TextChoices):
    """Every kind of timeline event, labelled as the timeline shows it; the webhook event types derive from it."""

    CREATED = "created", _("创建")
    ARRIVED = "arrived", _("登记到仓")
    PICKUP_REGISTERED = "pickup_registered", _("登记提货")
    DESTRUCTION_CONFIRMED = "destruction_confirmed", _("确认销毁")
    HANDED_OVER = "handed_over", _("已提货")
    FORWARDED = "forwarded", _("已转寄")
    DESTROYED = "destroyed", _("已销毁")
    CANCELLED = "cancelled", _("已取消")
    DEADLINE_NEAR = "deadline_near", _("即将超期提醒")
    OVERDUE = "overdue", _("超期未处理")
    EXCEPTION_RAISED = "exception_raised", _("上报异常")
    EXCEPTION_COMMENTED = "exception_commented", _("异常留言")
    EXCEPTION_RESOLVED = "exception_resolved", _("异常完结")
    HANDOVER_REFUSED = "handover_refused", _("提货码错误")
    HANDOVER_LOCKED = "handover_locked", _("提货已锁定")
    PICKUP_CODE_REISSUED = "pickup_code_reissued", _("重新生成提货码")
    EXECUTION_ACCEPTED = "execution_accepted", _("确认处理结果")
    EXECUTION_DISPUTED = "execution_disputed", _("处理结果有异议")


class Event(models.Model):
    """The timeline (操作记录): who did what to an order, when, with which data. Append-only."""

    order = models.ForeignKey(ReverseOrder, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40)  # an EventKind
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="event_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A list export too large to stream within one request: the worker writes the file to storage and the
    requester downloads it when done. The row is the job: claimed with a lease like a webhook delivery."""

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"
        EXPIRED = "expired"  # done, and the file deleted after PARCELBACK_EXPORT_KEEP_DAYS

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The list page's query string: the worker applies the same filterset, as the same user.
    params = models.TextField(blank=True)
    fmt = models.CharField(max_length=4)
    # The requester's language and time zone, so the file reads as the streamed one would have.
    language = models.CharField(max_length=10)
    time_zone = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "id"], name="export_job_queue")]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.fmt}, {self.state})"
