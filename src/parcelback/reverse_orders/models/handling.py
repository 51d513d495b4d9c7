"""What the merchant said to do with a parcel, what the warehouse did, and the exceptions raised about it."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .orders import PickupMethod, ReverseOrder

# Wrong codes tried against one issued pickup code before handover of its orders is locked.
PICKUP_CODE_MAX_WRONG = 5


class PickupCode(models.Model):
    """One issued self-pickup code, shared by every order of its registration (a batch gets one code): the wrong
    codes tried against it are counted here, so guessing is locked for the whole batch until the merchant issues a
    new code. The code's keyed hash is on each of its registrations; the code itself is never stored."""

    wrong_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pickup code")
        verbose_name_plural = _("pickup codes")

    def __str__(self) -> str:
        return f"pickup code {self.pk}"


class PickupRegistration(models.Model):
    """The merchant's pickup instruction (登记提货): immutable once written, at most one per order."""

    order = models.OneToOneField(ReverseOrder, on_delete=models.PROTECT, related_name="registration")
    method = models.CharField(_("提货方式"), max_length=12, choices=PickupMethod.choices)
    expected_pickup_at = models.DateTimeField(_("预计提货时间"), null=True, blank=True)
    picker_name = models.CharField(_("提货人"), max_length=80, blank=True)
    picker_phone = models.CharField(_("联系方式"), max_length=32, blank=True)
    recipient_name = models.CharField(_("收货人"), max_length=80, blank=True)
    recipient_phone = models.CharField(_("联系方式"), max_length=32, blank=True)
    country = models.CharField(_("国家/地区"), max_length=60, blank=True)
    province = models.CharField(_("省/州"), max_length=60, blank=True)
    city = models.CharField(_("城市"), max_length=60, blank=True)
    district = models.CharField(_("区/县"), max_length=60, blank=True)
    street = models.CharField(_("详细地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=20, blank=True)
    remark = models.CharField(_("备注"), max_length=300, blank=True)
    # The one-time code the picker shows at handover; only a salted hash is kept.
    pickup_code_hash = models.CharField(max_length=128, blank=True)
    # The issued code this order shares with its batch; a new code (after a lock) replaces it for the orders
    # still awaiting pickup.
    pickup_code = models.ForeignKey(
        PickupCode, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pickup registration")
        verbose_name_plural = _("pickup registrations")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_method_display()}"


class DestructionConfirmation(models.Model):
    """The merchant's irreversible go-ahead (确认销毁) for a customs-destroy parcel."""

    order = models.OneToOneField(ReverseOrder, on_delete=models.PROTECT, related_name="destruction_confirmation")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("destruction confirmation")
        verbose_name_plural = _("destruction confirmations")

    def __str__(self) -> str:
        return str(self.order)


class Execution(models.Model):
    """What the provider did with the parcel: handed it over, forwarded it, or destroyed it."""

    class Kind(models.TextChoices):
        HANDOVER = "handover", _("已提货")
        FORWARD = "forward", _("已转寄")
        DESTRUCTION = "destruction", _("已销毁")

    order = models.OneToOneField(ReverseOrder, on_delete=models.PROTECT, related_name="execution")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    handed_to = models.CharField(_("handed to"), max_length=80, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)
    destruction_method = models.CharField(_("destruction method"), max_length=120, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("execution")
        verbose_name_plural = _("executions")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_kind_display()}"


class StoredFile(models.Model):
    """A photo or PDF kept as proof, typed by its first bytes (`services.files`) and served only to those who may
    see its order (media is not public)."""

    file = models.FileField(upload_to="evidence/%Y/%m/")
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.file.name


class EvidenceFile(StoredFile):
    """A photo or document proving a destruction took place."""

    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="evidence")


class DisputeOutcome(models.TextChoices):
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")
    COMPENSATED = "compensated", _("已赔付")


class OrderException(models.Model):
    """A problem with a parcel (damaged, lost, no-show...) that both sides discuss until it is resolved."""

    class Type(models.TextChoices):
        DAMAGED = "damaged", _("包裹破损")
        LOST = "lost", _("包裹丢失")
        PICKER_NO_SHOW = "picker_no_show", _("提货人未到")
        UNDELIVERABLE_ADDRESS = "undeliverable_address", _("地址无法投递")
        OVERDUE = "overdue", _("超期未处理")
        NOT_ARRIVED = "not_arrived", _("包裹未到仓")
        EXECUTION_DISPUTED = "execution_disputed", _("处理结果有异议")
        INFORMATION_MISMATCH = "information_mismatch", _("信息不符")
        OTHER = "other", _("其他")

    order = models.ForeignKey(ReverseOrder, on_delete=models.PROTECT, related_name="exceptions")
    type = models.CharField(_("异常类型"), max_length=24, choices=Type.choices)
    description = models.TextField(_("description"), max_length=2000)
    is_open = models.BooleanField(default=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), max_length=2000, blank=True)
    # How a dispute of the execution ended (only an `execution_disputed` exception has one).
    outcome = models.CharField(_("处理结论"), max_length=12, choices=DisputeOutcome.choices, blank=True)
    compensation_amount = models.DecimalField(_("赔付金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    compensation_currency = models.CharField(_("币种"), max_length=3, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_type_display()}"

    @property
    def own_files(self) -> list:
        """The files raised with the exception itself (a dispute's proof), not those of its replies."""
        return [f for f in self.files.all() if f.comment_id is None]


class ExceptionComment(models.Model):
    """One message in an exception's thread, from either side."""

    exception = models.ForeignKey(OrderException, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ExceptionFile(StoredFile):
    """A photo or document in an exception's thread: the merchant's proof with a dispute (no comment), or attached
    to a reply (a provider's new evidence, say)."""

    exception = models.ForeignKey(OrderException, on_delete=models.PROTECT, related_name="files")
    comment = models.ForeignKey(ExceptionComment, on_delete=models.PROTECT, null=True, blank=True, related_name="files")

    class Meta:
        ordering = ["id"]


class ExecutionAcceptance(models.Model):
    """The merchant's one answer to an execution (确认处理结果 / 有异议), or the system's acceptance once the window
    passed without one: immutable, exactly one per order (the unique order and the conditional move both hold it)."""

    class Result(models.TextChoices):
        ACCEPTED = "accepted", _("已确认")
        DISPUTED = "disputed", _("有异议")

    class DisputeType(models.TextChoices):
        EVIDENCE = "evidence", _("凭证缺失或不清晰")
        NOT_RECEIVED = "not_received", _("未收到包裹")
        MISMATCH = "mismatch", _("数量或货品不符")
        DAMAGED = "damaged", _("包裹破损")
        OTHER = "other", _("其他")

    order = models.OneToOneField(ReverseOrder, on_delete=models.PROTECT, related_name="acceptance")
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    automatic = models.BooleanField(default=False)  # accepted by the system after the window
    dispute_type = models.CharField(_("异议类型"), max_length=14, choices=DisputeType.choices, blank=True)
    description = models.TextField(_("异议说明"), max_length=2000, blank=True)
    exception = models.OneToOneField(
        OrderException, on_delete=models.PROTECT, null=True, blank=True, related_name="acceptance"
    )
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("execution acceptance")
        verbose_name_plural = _("execution acceptances")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_result_display()}"
