"""The one filterset behind the list page, the export and the API: PRODUCT.md's filters, all combinable."""
import copy
import re
from datetime import datetime, time, timedelta
from functools import cache

import django_filters as df
from django import forms
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from .models import (
    AcceptanceState,
    BusinessMode,
    CargoOwner,
    ExceptionState,
    OrderException,
    OrderLine,
    PickupMethod,
    ReverseOrder,
    ReverseType,
    Status,
)

TABS = [
    ("all", _("全部")),
    (ReverseType.CUSTOMS_RETURN, _("退运")),
    (ReverseType.CUSTOMS_DESTROY, _("销毁")),
    (ReverseType.INTERCEPT_REJECT, _("拦截拒收")),
    (ReverseType.WAREHOUSE_INTERCEPT, _("仓拦截成功")),
]
CUSTOMS_FAILURE = "customs_failure"
TYPE_FILTER_CHOICES = [
    (CUSTOMS_FAILURE, _("清关失败")),
    (ReverseType.CUSTOMS_RETURN, _("退运")),
    (ReverseType.CUSTOMS_DESTROY, _("销毁")),
    (ReverseType.INTERCEPT_REJECT, _("拦截拒收")),
    (ReverseType.WAREHOUSE_INTERCEPT, _("仓拦截成功")),
]
NUMBER_FIELDS = {"number": "number", "sales_return_no": "sales_return_no", "order_no": "order_no"}
NUMBER_TYPE_CHOICES = [("sales_return_no", _("销退单号")), ("order_no", _("订单号")), ("number", _("逆向管理单号"))]
ORDERINGS = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "deadline": ("instruction_deadline", "id"),
    "-deadline": ("-instruction_deadline", "-id"),
}
MAX_PASTED_NUMBERS = 1000
# How long an order awaiting instruction has left, in whole days as the list's badge counts them (`days_left`);
# "overdue" once the deadline has passed, "none" for an order that awaits no instruction.
AGING = [
    ("overdue", _("已超期")),
    ("due_3d", _("3 天内到期")),
    ("due_7d", _("4–7 天到期")),
    ("due_15d", _("8–15 天到期")),
    ("later", _("15 天以后到期")),
    ("none", _("无需指令")),
]
# The merchant's answer to an execution; "none" (nothing to answer) is not a choice to filter on.
ACCEPTANCE_CHOICES = [(value, label) for value, label in AcceptanceState.choices if value != AcceptanceState.NONE]
AGING_DAYS = {"due_3d": (0, 3), "due_7d": (4, 7), "due_15d": (8, 15), "later": (16, None)}
# Which moment the 时间 filter reads: the dashboard links a bar of instructions or executions to its list this way.
TIME_FIELDS = {
    "created": ("created_at", _("创建时间")),
    "updated": ("updated_at", _("更新时间")),
    "arrived": ("arrived_at", _("到仓时间")),
    "instructed": ("instructed_at", _("指令时间")),
    "executed": ("executed_at", _("执行时间")),
}
# How long an order's open exception has been open, in whole days since it was raised (at most one is open).
EXCEPTION_AGE = [("1d", _("1 天内")), ("3d", _("2–3 天")), ("7d", _("4–7 天")), ("older", _("7 天以上"))]
EXCEPTION_AGE_DAYS = {"1d": (0, 1), "3d": (1, 3), "7d": (3, 7), "older": (7, None)}


def split_numbers(text: str) -> list[str]:
    """Pasted numbers: any mix of whitespace, commas (also full-width) and semicolons between them. Control
    characters (NUL among them, which no database stores) separate numbers too: no number holds one."""
    return [n for n in re.split(r"[\s,，;；、\x00-\x1f\x7f]+", text or "") if n][:MAX_PASTED_NUMBERS]


def case_variants(numbers: list[str]) -> set[str]:
    """Each pasted number as typed, upper- and lower-cased: numbers are stored upper-case (shops' own numbers
    mostly so), and a plain IN over the variants keeps the column's index usable where `__iexact` would not."""
    return {variant for n in numbers for variant in (n, n.upper(), n.lower())}


# The years a filter may name: every order lives well inside them, and both ends (and a day past the end) stay
# far from what Python's datetime and the databases can hold.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def aging_bounds(now: datetime) -> dict[str, tuple]:
    """Each deadline bucket of an order awaiting instruction as (from, until) moments: the local day's start `days`
    from today, so the buckets are the list's days-left badge; "overdue" is before now."""
    today = timezone.localdate(now)

    def start_of(days: int):
        return timezone.make_aware(datetime.combine(today + timedelta(days=days), time.min))

    bounds = {"overdue": (None, now)}
    for key, (first, last) in AGING_DAYS.items():
        bounds[key] = (max(now, start_of(first)), None if last is None else start_of(last + 1))
    return bounds


def exception_age_condition(key: str, now: datetime) -> Q:
    """Exceptions still open that were raised between the bucket's bounds (days before now)."""
    newer, older = EXCEPTION_AGE_DAYS[key]
    condition = Q(is_open=True, raised_at__lte=now - timedelta(days=newer))
    if older is not None:
        condition &= Q(raised_at__gt=now - timedelta(days=older))
    return condition


def aging_condition(key: str, now: datetime) -> Q:
    """The orders awaiting instruction in one deadline bucket (not `none`)."""
    since, until = aging_bounds(now)[key]
    condition = Q(status=Status.AWAITING_INSTRUCTION)
    if since is not None:
        condition &= Q(instruction_deadline__gte=since)
    if until is not None:
        condition &= Q(instruction_deadline__lt=until)
    return condition


class MomentField(forms.CharField):
    """An ISO 8601 date-time, or a bare date (taken as the start of that day in the user's time zone)."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        invalid = forms.ValidationError(
            _("Enter a date like 2026-11-26 or 2026-11-26T08:00:00+08:00."), code="invalid"
        )
        try:  # an impossible date (2026-02-30) or offset raises rather than answering None
            moment = parse_datetime(value.replace(" ", "T", 1) if len(value) > 10 else value)
            if moment is None and (day := parse_date(value)):
                moment = datetime.combine(day, time.min)
            if moment is None:
                raise invalid
            moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        except (ValueError, OverflowError):
            raise invalid from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("请输入 %(first)s 年至 %(last)s 年之间的日期。"),
                code="out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return moment


class MomentFilter(df.Filter):
    field_class = MomentField


class SharedFieldsForm(forms.Form):
    """The filters' form with its fields shared, not deep-copied per request: nothing changes them per form (the
    list reads its choices), and copying 20 fields with their choices was a tenth of an API call."""

    def __init__(self, *args, **kwargs):
        self.base_fields = {}  # shadows the class's for Django, which would deep-copy each field
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = dict(self.base_fields)


class ReverseOrderFilter(df.FilterSet):
    tab = df.ChoiceFilter(choices=TABS, method="filter_tab", empty_label=None, label=_("Tab"))
    reverse_type = df.ChoiceFilter(choices=TYPE_FILTER_CHOICES, method="filter_reverse_type", label=_("逆向类型"))
    status = df.ChoiceFilter(choices=Status.choices, label=_("状态"))
    number_type = df.ChoiceFilter(choices=NUMBER_TYPE_CHOICES, method="noop", label=_("单号"))
    numbers = df.CharFilter(
        method="filter_numbers", label=_("单号"), help_text="one or many numbers, comma or whitespace separated"
    )
    product = df.CharFilter(method="filter_product", label=_("商品"), help_text="product ID (exact) or name (contains)")
    goods = df.CharFilter(method="filter_goods", label=_("货品"), help_text="goods ID (exact) or name (contains)")
    warehouse = df.CharFilter(field_name="warehouse__code", label=_("仓库"), help_text="warehouse code")
    time_field = df.ChoiceFilter(
        choices=[(key, label) for key, (_column, label) in TIME_FIELDS.items()], method="noop", label=_("时间")
    )
    time_from = MomentFilter(method="filter_time_from", label=_("开始"), help_text="ISO 8601 date or date-time")
    time_to = MomentFilter(
        method="filter_time_to", label=_("结束"), help_text="ISO 8601 date or date-time; a bare date includes that day"
    )
    pickup_method = df.ChoiceFilter(choices=PickupMethod.choices, label=_("提货方式"))
    exception_state = df.ChoiceFilter(choices=ExceptionState.choices, label=_("异常情况"))
    acceptance_state = df.ChoiceFilter(
        choices=ACCEPTANCE_CHOICES, label=_("处理结果确认"),
        help_text="the merchant's answer to the execution: pending (待确认), accepted, disputed",
    )
    aging = df.ChoiceFilter(choices=AGING, method="filter_aging", label=_("处理时限"))
    exception_type = df.ChoiceFilter(
        choices=OrderException.Type.choices, method="filter_exception_type", label=_("异常类型"),
        help_text="orders with an exception of this type, open or resolved",
    )
    exception_age = df.ChoiceFilter(
        choices=EXCEPTION_AGE, method="filter_exception_age", label=_("异常时长"),
        help_text="orders whose open exception was raised 1d (within a day), 3d, 7d or older (days ago)",
    )
    owner = df.CharFilter(method="filter_owner", label=_("货主"), help_text="cargo owner ID (exact) or name (contains)")
    business_mode = df.ChoiceFilter(choices=BusinessMode.choices, label=_("经营方式"))
    ordering = df.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS], method="noop", label=_("排序"), empty_label=None
    )

    class Meta:
        model = ReverseOrder
        fields: list[str] = []
        form = SharedFieldsForm

    def __init__(self, *args, **kwargs):
        # django-filter deep-copies every filter (choices, labels, fields) for each filterset: a fifth of an API
        # call. These keep no state but the filterset they answer to (`parent`, whose methods they call), so each
        # gets a shallow copy, its method bound to the copy.
        self.base_filters = {}  # shadows the class's for django-filter, which would deep-copy each filter
        super().__init__(*args, **kwargs)
        del self.base_filters
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod of this copy, not of the class's filter
            filter_.model, filter_.parent = self.queryset.model, self

    @classmethod
    @cache
    def form_class(cls) -> type[forms.Form]:
        """The filters' form class, built once (django-filter builds a new class for every filterset)."""
        fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def get_form_class(self):
        return self.form_class()

    def noop(self, queryset, name, value):
        return queryset

    @property
    def tab_value(self) -> str:
        self.form.errors  # runs validation: cleaned_data holds the valid fields even when another one is not
        return self.form.cleaned_data.get("tab") or "all"

    def filter_tab(self, queryset, name, value):
        return queryset if value in ("", "all") else queryset.filter(reverse_type=value)

    def filter_reverse_type(self, queryset, name, value):
        if self.tab_value != "all":  # the type filter is a 全部-tab filter only
            return queryset
        if value == CUSTOMS_FAILURE:
            return queryset.filter(reverse_type__in=[ReverseType.CUSTOMS_RETURN, ReverseType.CUSTOMS_DESTROY])
        return queryset.filter(reverse_type=value)

    def filter_numbers(self, queryset, name, value):
        numbers = split_numbers(value)
        if not numbers:
            return queryset
        return queryset.filter(**{f"{self.number_field}__in": case_variants(numbers)})

    @property
    def number_field(self) -> str:
        """The column the pasted numbers are matched against (销退单号, 订单号 or 逆向管理单号)."""
        self.form.is_valid()  # runs validation once: cleaned_data holds the valid fields
        return NUMBER_FIELDS[self.form.cleaned_data.get("number_type") or "number"]

    @staticmethod
    def _id_or_name(queryset, value: str, id_field: str, name_field: str):
        value = value.strip()
        lines = OrderLine.objects.filter(Q(**{id_field: value}) | Q(**{f"{name_field}__icontains": value}))
        return queryset.filter(Exists(lines.filter(order_id=OuterRef("pk"))))

    def filter_product(self, queryset, name, value):
        return self._id_or_name(queryset, value, "product_id", "product_name")

    def filter_goods(self, queryset, name, value):
        return self._id_or_name(queryset, value, "goods_id", "goods_name")

    def filter_owner(self, queryset, name, value):
        # The matching cargo owners first (a small table): joined inside the list's query, a name no owner has
        # made PostgreSQL walk a whole shop's orders newest first looking for 50 that never come (250 ms at 1M).
        # Only owners with an order in view: owners belong to a shop, and another shop's never match (nor leak).
        value = value.strip()
        in_view = Exists(queryset.order_by().filter(owner_id=OuterRef("pk")))
        owners = CargoOwner.objects.filter(Q(external_id=value) | Q(name__icontains=value)).filter(in_view)
        return queryset.filter(owner_id__in=list(owners.values_list("id", flat=True)))

    @property
    def time_column(self) -> str:
        """The column the 时间 filter reads (创建时间 unless another is chosen)."""
        self.form.is_valid()
        return TIME_FIELDS[self.form.cleaned_data.get("time_field") or "created"][0]

    def filter_time_from(self, queryset, name, value):
        return queryset.filter(**{f"{self.time_column}__gte": value})

    def filter_time_to(self, queryset, name, value):
        # A bare date means "through the end of that day".
        raw = (self.data.get("time_to") or "").strip()
        column = self.time_column
        if len(raw) == 10:
            return queryset.filter(**{f"{column}__lt": value + timezone.timedelta(days=1)})
        return queryset.filter(**{f"{column}__lte": value})

    def filter_aging(self, queryset, name, value):
        if value == "none":
            return queryset.exclude(status=Status.AWAITING_INSTRUCTION)
        return queryset.filter(aging_condition(value, timezone.now()))

    def filter_exception_type(self, queryset, name, value):
        return queryset.filter(Exists(OrderException.objects.filter(order_id=OuterRef("pk"), type=value)))

    def filter_exception_age(self, queryset, name, value):
        raised = OrderException.objects.filter(exception_age_condition(value, timezone.now()), order_id=OuterRef("pk"))
        return queryset.filter(Exists(raised))

    @property
    def ordering_key(self) -> str:
        return (self.form.cleaned_data.get("ordering") if self.form.is_valid() else None) or "-created"

    @property
    def ordering_fields(self) -> tuple[str, str]:
        return ORDERINGS[self.ordering_key]

    def total_from(self, counts: dict[str, int]) -> int:
        """The list's size from the per-tab counts taken under the same filters (`tab_counts`)."""
        return counts[self.tab_value]

    @property
    def qs(self):
        return super().qs.order_by(*self.ordering_fields)

    @property
    def console_qs(self):
        """The console's order (list page and export): under 处理截止, orders still awaiting an instruction come
        first (overdue first when ascending), the rest after. The API keeps `qs` (one column then the id) so its
        keyset cursor stays valid for every ordering."""
        if self.ordering_key.lstrip("-") != "deadline":
            return self.qs
        waiting = Case(When(status=Status.AWAITING_INSTRUCTION, then=Value(0)), default=Value(1))
        return self.qs.order_by(waiting, *self.ordering_fields)
