"""The reverse leg: parcels that came back, what the merchant said to do with them, and what happened."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.models import Organisation, Warehouse


def max_length(model, name: str) -> int:
    """A column's length, the one definition forms and API schemas take theirs from."""
    return model._meta.get_field(name).max_length


# Lengths of text kept only in the timeline (an event's data), not in a column of their own.
CANCEL_REASON_LENGTH = 300
PICKUP_CODE_LENGTH = 20


class ReverseType(models.TextChoices):
    CUSTOMS_RETURN = "customs_return", _("清关失败-退运")
    CUSTOMS_DESTROY = "customs_destroy", _("清关失败-销毁")
    INTERCEPT_REJECT = "intercept_reject", _("拦截拒收")
    WAREHOUSE_INTERCEPT = "warehouse_intercept", _("仓拦截成功")


class Status(models.TextChoices):
    AWAITING_INSTRUCTION = "awaiting_instruction", _("待处理")
    AWAITING_PICKUP = "awaiting_pickup", _("包裹待提货")
    AWAITING_DESTRUCTION = "awaiting_destruction", _("包裹待销毁")
    PICKED_UP = "picked_up", _("已提货")
    FORWARDED = "forwarded", _("已转寄")
    DESTROYED = "destroyed", _("已销毁")
    CANCELLED = "cancelled", _("已取消")


class PickupMethod(models.TextChoices):
    SELF_PICKUP = "self_pickup", _("自提")
    FORWARD = "forward", _("转寄")


class ExceptionState(models.TextChoices):
    NONE = "none", _("当前无异常")
    PENDING = "pending", _("异常待处理")
    RESOLVED = "resolved", _("异常完结")


class BusinessMode(models.TextChoices):
    CONSIGNMENT_SALE = "consignment_sale", _("代销")
    CONSIGNMENT = "consignment", _("寄售")
    POP = "pop", _("pop")


class CargoOwner(models.Model):
    """The legal owner of the stock (货主), which may differ from the shop selling it. Owner IDs are the shop's
    own: the same ID at two shops is two owners, so no shop (or provider) reads or renames another's."""

    shop = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cargo_owners")
    external_id = models.CharField(_("货主ID"), max_length=64)
    name = models.CharField(_("货主名称"), max_length=120)

    class Meta:
        verbose_name = _("cargo owner")
        verbose_name_plural = _("cargo owners")
        constraints = [models.UniqueConstraint(fields=["shop", "external_id"], name="cargo_owner_unique_per_shop")]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class DeadlinePolicy(models.Model):
    """How many days a merchant has to give an instruction for one reverse type (set by the platform admin)."""

    reverse_type = models.CharField(_("逆向类型"), max_length=24, choices=ReverseType.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("days to instruct"), default=settings.PARCELBACK_DEFAULT_DEADLINE_DAYS)

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")

    def __str__(self) -> str:
        return f"{self.get_reverse_type_display()}: {self.days}"


class NumberSequence(models.Model):
    """A counter per day, advanced inside the creating transaction, so order numbers never collide."""

    key = models.CharField(max_length=16, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)


class ReverseOrderQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "ReverseOrderQuerySet":
        """The only way into orders: a shop sees its own, a provider its warehouses', the admin all."""
        from parcelback.accounts.models import Role

        if actor.role == Role.ADMIN:
            return self
        if actor.role in (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER):
            return self.filter(shop_id=actor.organisation.pk)
        if actor.role == Role.PROVIDER_OPERATOR:
            return self.filter(provider_id=actor.organisation.pk)
        return self.none()


def choice_label(choices: type[models.Choices], value):
    """The translated label of one stored choice. Django's own get_FOO_display hashes every label of the field,
    translating each one, on every call (~25 translations a row on the list page); this translates the one shown."""
    try:
        return choices(value).label
    except ValueError:
        return value


class ReverseOrder(models.Model):
    """One parcel on its way back: the merchant must instruct, the provider executes and reports."""

    number = models.CharField(_("逆向管理单号"), max_length=32, unique=True)
    external_ref = models.CharField(_("external reference"), max_length=64)
    shop = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reverse_orders")
    # Denormalised from the warehouse: the provider's view filters on it directly.
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="held_reverse_orders")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reverse_orders")
    owner = models.ForeignKey(CargoOwner, on_delete=models.PROTECT, related_name="reverse_orders")
    reverse_type = models.CharField(_("逆向类型"), max_length=24, choices=ReverseType.choices)
    business_mode = models.CharField(_("经营方式"), max_length=20, choices=BusinessMode.choices)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.AWAITING_INSTRUCTION
    )
    exception_state = models.CharField(
        _("异常情况"), max_length=10, choices=ExceptionState.choices, default=ExceptionState.NONE
    )
    pickup_method = models.CharField(_("提货方式"), max_length=12, choices=PickupMethod.choices, null=True, blank=True)
    sales_return_no = models.CharField(_("销退单号"), max_length=64, blank=True)
    order_no = models.CharField(_("订单号"), max_length=64, blank=True)
    inbound_tracking_number = models.CharField(_("inbound tracking number"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    instruction_deadline = models.DateTimeField(_("处理截止"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = ReverseOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reverse order")
        verbose_name_plural = _("reverse orders")
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_ref"], name="reverse_order_unique_external_ref"),
        ]
        indexes = [
            models.Index(fields=["shop", "-created_at", "-id"], name="ro_shop_created"),
            models.Index(fields=["shop", "-updated_at", "-id"], name="ro_shop_updated"),
            models.Index(fields=["shop", "status", "instruction_deadline"], name="ro_shop_status_deadline"),
            models.Index(fields=["shop", "reverse_type", "status", "-created_at"], name="ro_shop_type_status"),
            models.Index(fields=["provider", "-created_at", "-id"], name="ro_provider_created"),
            # The list's other sorts (处理截止, 更新时间) for a shop's or a provider's whole list, any status.
            models.Index(fields=["shop", "instruction_deadline", "id"], name="ro_shop_deadline"),
            models.Index(fields=["provider", "instruction_deadline", "id"], name="ro_provider_deadline"),
            models.Index(fields=["provider", "-updated_at", "-id"], name="ro_provider_updated"),
            models.Index(fields=["provider", "status", "arrived_at"], name="ro_provider_status"),
            models.Index(fields=["warehouse", "status"], name="ro_warehouse_status"),
            # The list page's tab counts (a shop's or a provider's orders by status and warehouse, counted per
            # type) read only these indexes, never the table.
            models.Index(fields=["shop", "status", "warehouse", "reverse_type"], name="ro_shop_status_wh_type"),
            models.Index(fields=["provider", "status", "warehouse", "reverse_type"], name="ro_provider_status_wh_type"),
            # The warehouse's work-queue counts (selectors.work_queue_counts), read from the index alone.
            models.Index(
                fields=["provider", "status", "exception_state", "pickup_method", "arrived_at"], name="ro_provider_queue"
            ),
            models.Index(fields=["sales_return_no"], name="ro_sales_return_no"),
            models.Index(fields=["order_no"], name="ro_order_no"),
            models.Index(fields=["inbound_tracking_number"], name="ro_inbound_tracking"),
            models.Index(fields=["status", "instruction_deadline"], name="ro_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_reverse_type_display(self):
        return choice_label(ReverseType, self.reverse_type)

    def get_business_mode_display(self):
        return choice_label(BusinessMode, self.business_mode)

    def get_status_display(self):
        return choice_label(Status, self.status)

    def get_exception_state_display(self):
        return choice_label(ExceptionState, self.exception_state)

    def get_pickup_method_display(self):
        return choice_label(PickupMethod, self.pickup_method)

    @property
    def line_items(self) -> list:
        """The goods lines: the list the list selector prefetched (`listed_lines`), else from the database."""
        try:
            return self.listed_lines
        except AttributeError:
            return list(self.lines.all())

    def days_left(self, now=None) -> int | None:
        """Whole days until the instruction deadline (negative once overdue); only while an instruction is due."""
        if self.status != Status.AWAITING_INSTRUCTION:
            return None
        now = now or timezone.now()
        today = timezone.localdate(now)
        return (timezone.localdate(self.instruction_deadline) - today).days



class OrderLine(models.Model):
    """A goods line of the parcel: which listing (商品) and which physical SKU (货品), how many."""

    order = models.ForeignKey(ReverseOrder, on_delete=models.CASCADE, related_name="lines")
    product_id = models.CharField(_("商品ID"), max_length=64)
    product_name = models.CharField(_("商品名称"), max_length=200)
    goods_id = models.CharField(_("货品ID"), max_length=64)
    goods_name = models.CharField(_("货品名称"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["product_id"], name="line_product_id"),
            models.Index(fields=["goods_id"], name="line_goods_id"),
        ]

    def __str__(self) -> str:
        return f"{self.goods_name} ×{self.quantity}"


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


class EvidenceFile(models.Model):
    """A photo or document proving a destruction took place."""

    execution = models.ForeignKey(Execution, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file.name


class OrderException(models.Model):
    """A problem with a parcel (damaged, lost, no-show...) that both sides discuss until it is resolved."""

    class Type(models.TextChoices):
        DAMAGED = "damaged", _("包裹破损")
        LOST = "lost", _("包裹丢失")
        PICKER_NO_SHOW = "picker_no_show", _("提货人未到")
        UNDELIVERABLE_ADDRESS = "undeliverable_address", _("地址无法投递")
        OVERDUE = "overdue", _("超期未处理")
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

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_type_display()}"


class ExceptionComment(models.Model):
    """One message in an exception's thread, from either side."""

    exception = models.ForeignKey(OrderException, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


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
