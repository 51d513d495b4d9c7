"""指令导入: a merchant's instructions for many orders given in one spreadsheet, kept as a record of who sent which
file, what the plan was and what became of every row."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.models import Organisation


class InstructionImport(models.Model):
    """One uploaded file: its rows as read (so the plan can be submitted later without uploading again), the plan's
    grouping and, once submitted, each row's outcome. Nothing here is edited after submission."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("待提交")
        SUBMITTED = "submitted", _("已提交")

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

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="instr_import_org_created")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
