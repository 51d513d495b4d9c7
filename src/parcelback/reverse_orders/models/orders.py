"""The parcels that came back (逆向管理单) and their goods; the enumerations every part of the app speaks."""
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


class AcceptanceState(models.TextChoices):
    """The merchant's answer to what the warehouse did (picked up, forwarded, destroyed): an axis beside the
    status, like the exception state. `none` before execution (and for orders executed before acceptance existed)."""

    NONE = "none", _("—")
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已确认")
    DISPUTED = "disputed", _("有异议")


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


# Columns the dashboard's and stats API's index-only scans read beside an index's key (PostgreSQL `INCLUDE`).
STATE = ["exception_state", "pickup_method", "instruction_deadline", "instructed_at", "acceptance_state"]
INSTRUCTED = ["arrived_at", "created_at", "warehouse"]
EXECUTED = ["status", "warehouse", "instructed_at"]
OPEN_EXCEPTION = models.Q(exception_state="pending")
WAS_CANCELLED = models.Q(status="cancelled")
AWAITING_ACCEPTANCE = models.Q(acceptance_state="pending")
DISPUTED = models.Q(acceptance_state="disputed")


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
    acceptance_state = models.CharField(
        _("处理结果确认"), max_length=10, choices=AcceptanceState.choices, default=AcceptanceState.NONE
    )
    pickup_method = models.CharField(_("提货方式"), max_length=12, choices=PickupMethod.choices, null=True, blank=True)
    sales_return_no = models.CharField(_("销退单号"), max_length=64, blank=True)
    order_no = models.CharField(_("订单号"), max_length=64, blank=True)
    inbound_tracking_number = models.CharField(_("inbound tracking number"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    # When the merchant's instruction (registration or destruction go-ahead) was given, and when the warehouse
    # executed it (handed over, forwarded, destroyed): stamped by the state table's transitions (`Transition.stamp`),
    # so the list can filter on them and the dashboard measure the time between.
    instructed_at = models.DateTimeField(_("指令时间"), null=True, blank=True)
    executed_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
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
            # Covering (PostgreSQL) the dashboard's weekly counts by type too; SQLite ignores `include`.
            models.Index(fields=["shop", "-created_at", "-id"], name="ro_shop_created", include=["reverse_type", "warehouse"]),
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
            # The dashboard's current state (deadlines, waiting instructions) and the stats API's groups, read from
            # these indexes alone on PostgreSQL (`include`).
            # The list page's tab counts without a warehouse filter: a shop's or provider's orders in a status, by type,
            # from an index of three small columns (deduplicated: 7 MB for a 1M-order table against the covering
            # index's 118 MB), read in 6 ms instead of 20 for a 300,000-order shop.
            models.Index(fields=["shop", "status", "reverse_type"], name="ro_shop_status_type"),
            models.Index(fields=["provider", "status", "reverse_type"], name="ro_provider_status_type"),
            models.Index(fields=["shop", "status", "warehouse", "reverse_type"], name="ro_shop_status_wh_type", include=STATE),
            models.Index(fields=["provider", "status", "warehouse", "reverse_type"], name="ro_provider_status_wh_type", include=STATE),
            # The warehouse's work-queue counts (selectors.work_queue_counts), read from the index alone.
            models.Index(
                fields=["provider", "status", "exception_state", "pickup_method", "arrived_at"], name="ro_provider_queue"
            ),
            models.Index(fields=["sales_return_no"], name="ro_sales_return_no"),
            models.Index(fields=["order_no"], name="ro_order_no"),
            models.Index(fields=["inbound_tracking_number"], name="ro_inbound_tracking"),
            models.Index(fields=["status", "instruction_deadline"], name="ro_status_deadline"),
            # The list's 指令时间 / 执行时间 / 到仓时间 filters and the dashboard's figures over a period.
            models.Index(fields=["shop", "instructed_at"], name="ro_shop_instructed", include=INSTRUCTED),
            models.Index(fields=["shop", "executed_at"], name="ro_shop_executed", include=EXECUTED),
            models.Index(fields=["provider", "instructed_at"], name="ro_provider_instructed", include=INSTRUCTED),
            models.Index(fields=["provider", "executed_at"], name="ro_provider_executed", include=EXECUTED),
            models.Index(fields=["provider", "arrived_at"], name="ro_provider_arrived", include=["warehouse"]),
            # Few rows each: open exceptions (the 异常待处理 count) and cancelled orders (outcomes per month).
            models.Index(fields=["shop", "warehouse"], name="ro_shop_pending", condition=OPEN_EXCEPTION, include=["id"]),
            models.Index(fields=["provider", "warehouse"], name="ro_provider_pending", condition=OPEN_EXCEPTION, include=["id"]),
            models.Index(fields=["shop", "updated_at"], name="ro_shop_cancelled", condition=WAS_CANCELLED, include=["warehouse"]),
            # Executions awaiting the merchant's acceptance (the automatic acceptance's sweep, the 待确认 filter)
            # and disputed ones (the provider's 有异议 tab): few rows each.
            models.Index(fields=["executed_at"], name="ro_acceptance_pending", condition=AWAITING_ACCEPTANCE),
            models.Index(fields=["provider", "warehouse"], name="ro_provider_disputed", condition=DISPUTED),
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
