"""指令导入: a merchant's instructions for many orders given in one spreadsheet, kept as a record of who sent which
file, what the plan was and what became of every row."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.models import Organisation


class InstructionImport(models.Model):
    """One uploaded file: its rows as read (so the plan can be submitted later without uploading again), the plan's
    grouping and, once submitted, each row's outcome. Nothing here is edited after submission.

    A large file (more than PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS rows) is checked and submitted by the worker
    (`jobs.py`): `checking` → `planned`, `submitting` → `submitted`, with `progress` of `total` meanwhile; a worker
    holds it while `leased_until` lies ahead, and one that died leaves it to be taken up again after that."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("检查中")
        PLANNED = "planned", _("待提交")
        SUBMITTING = "submitting", _("提交中")
        SUBMITTED = "submitted", _("已提交")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    # Each row: {"line", "values": {column: text}, "problems": {column: code}, "group", "outcome", "code"}.
    rows = models.JSONField(default=list)
    # The registrations the rows form: {"index", "method", "warehouse": {"code", "name"} | None, "orders"}.
    groups = models.JSONField(default=list)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # The worker's part: rows checked (checking) or groups written (submitting) of `total`.
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    leased_until = models.DateTimeField(null=True, blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # What the submission was asked for: submit once checked (the API's dry_run=false) and/or the good groups only.
    submit_requested = models.BooleanField(default=False)
    only_valid = models.BooleanField(default=False)
    # failed, or a submission given back: the reason as a msgid (translated when shown).
    error = models.CharField(max_length=200, blank=True)
    # The uploader's language and time zone, as the worker reads the rows (处理方式 labels, 预计提货时间).
    language = models.CharField(max_length=12, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    # A worker-submitted import's pickup codes, for the submitter to see once: {"codes": [{"group", "numbers",
    # "sealed"}], "until": epoch seconds}. Sealed (core.sealing), never plain: a code opens a warehouse's counter
    # and the database is copied into backups; cleared when first shown or once expired.
    sealed_codes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="instr_import_org_created")]

    @property
    def working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.SUBMITTING)

    @property
    def percent(self) -> int:
        return min(100, self.progress * 100 // self.total) if self.total else 0

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
