"""The dashboard's figures, each a chart whose every bar, segment and point links to the list of exactly the orders
behind it — the list's own filters, so the list's 共 N 条 is the bar's value (or, for a duration, the orders it
was measured on). Aggregates are GROUP BYs over the orders the actor may see, in SQL."""
import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcelback.reverse_orders.filters import AGING, EXCEPTION_AGE, aging_condition, exception_age_condition
from parcelback.reverse_orders.models import ExceptionState, OrderException, ReverseType, Status

from parcelback.core.localtime import as_day, local_bucket

from .measures import duration_percentiles

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
# How long instructions have waited for the warehouse, in whole local days since they were given.
WAITING = [("0_2", (0, 2)), ("3_5", (3, 5)), ("6_10", (6, 10)), ("11", (11, None))]
SLA_DAYS = (2, 5)
OUTCOMES = [  # (status, the 时间 filter its month is counted by)
    (Status.PICKED_UP, "executed"), (Status.FORWARDED, "executed"), (Status.DESTROYED, "executed"),
    (Status.CANCELLED, "updated"),
]


@dataclass
class Point:
    value: float | None
    href: str
    orders: int | None = None  # the orders behind a value that is not itself a count (a median, a share)


@dataclass
class Series:
    name: str
    points: list[Point]
    kind: str = "bar"  # or "line"
    stack: str | None = None


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    categories: list[str]
    series: list[Series]
    when: str  # what time the chart covers: the period, or now

    def spec(self) -> dict:
        """What the chart script draws; `counts` when every value is a number of orders."""
        counts = all(p.orders is None for s in self.series for p in s.points)
        return asdict(self) | {"counts": counts}

    def table(self) -> tuple[list[str], list[tuple[str, list[Point], int | None]]]:
        """The chart as a table: a row per category with each series' point, and the orders a duration or share was
        measured on (when the values are not counts)."""
        header = [s.name for s in self.series]
        measured = next((s for s in self.series if any(p.orders is not None for p in s.points)), None)
        if measured:
            header.append(_("单据数"))
        rows = [
            (category, [s.points[i] for s in self.series], measured.points[i].orders if measured else None)
            for i, category in enumerate(self.categories)
        ]
        return header, rows


@dataclass
class Tile:
    label: str
    count: int
    href: str
    tone: str = ""


@dataclass
class Scope:
    """The orders a dashboard counts (the actor's, in one warehouse or all) and the period it looks back over."""

    orders: QuerySet
    days: int = DEFAULT_PERIOD
    warehouse: str = ""
    now: datetime = field(default_factory=timezone.now)
    memo: dict = field(default_factory=dict, repr=False)

    def once(self, key: str, compute):
        """A figure several charts draw from, computed once per page."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    @cached_property
    def list_url(self) -> str:
        return reverse("orders:list")

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def since(self) -> datetime:
        return start_of(self.first_day)

    def link(self, **params) -> str:
        """The list filtered by `params` (and the dashboard's warehouse unless a param names one)."""
        query = {"tab": "all", "warehouse": self.warehouse} | params
        return self.list_url + "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})

    def span(self, first: date, last: date, **params) -> str:
        """The list for the local days first..last (clipped to the period), by the 时间 filter in `params`."""
        return self.link(time_from=max(first, self.first_day).isoformat(), time_to=last.isoformat(), **params)

    def weeks(self) -> list[date]:
        monday = self.first_day - timedelta(days=self.first_day.weekday())
        return [monday + timedelta(weeks=i) for i in range((self.today - monday).days // 7 + 1)]

    def months(self) -> list[date]:
        months, month = [], self.first_day.replace(day=1)
        while month <= self.today:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def days_list(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def week_label(monday: date) -> str:
    return monday.strftime("%m-%d")


def grouped(scope: "Scope", kind: str, column: str, *fields: str, **filters) -> dict:
    """{(first local day of the bucket, *field values): orders} of the scope's orders whose `column` is in the period."""
    bucket = local_bucket(kind, column, scope.since)
    queryset = scope.orders.filter(**{f"{column}__gte": scope.since}, **filters).order_by()
    rows = queryset.annotate(bucket=bucket).values_list("bucket", *fields).annotate(n=Count("*"))
    return {(as_day(row[0]), *row[1:-1]): row[-1] for row in rows if row[0] is not None}


def days_of(hours: float | None) -> float | None:
    return None if hours is None else round(hours / 24, 1)


# --- The current state: one pass over the orders still waiting for someone ---------------------------------------

WAITING_STATUSES = (Status.AWAITING_INSTRUCTION, Status.AWAITING_PICKUP, Status.AWAITING_DESTRUCTION)


def waiting_window(scope: Scope, first: int, last: int | None) -> Q:
    """Instructions given `first` to `last` whole local days ago (or earlier, without `last`)."""
    condition = Q(instructed_at__lt=start_of(scope.today - timedelta(days=first - 1)))
    return condition & Q(instructed_at__gte=start_of(scope.today - timedelta(days=last))) if last is not None else condition


def current(scope: Scope) -> dict:
    """The orders awaiting an instruction or its execution, counted at once in one pass over the status index
    (index-only on PostgreSQL, and no sort: conditional counts rather than a GROUP BY over computed buckets):
    {("status", status)}, {("aging", bucket, reverse type)} and {("waiting", bucket, status)}: orders."""
    def compute():
        wanted = {("status", s.value): Q(status=s) for s in WAITING_STATUSES}
        for key, _l in AGING[:-1]:
            for t in ReverseType:
                wanted[("aging", key, t.value)] = aging_condition(key, scope.now) & Q(reverse_type=t)
        for key, days in WAITING:
            for s in (Status.AWAITING_PICKUP, Status.AWAITING_DESTRUCTION):
                wanted[("waiting", key, s.value)] = waiting_window(scope, *days) & Q(status=s)
        names = {key: f"c{i}" for i, key in enumerate(wanted)}
        counts = scope.orders.order_by().filter(status__in=WAITING_STATUSES).aggregate(
            **{names[key]: Count("status", filter=match) for key, match in wanted.items()}
        )
        return {key: counts[name] for key, name in names.items()}

    return scope.once("current", compute)


def aged(found: dict, key: str) -> int:
    return sum(found[("aging", key, t.value)] for t in ReverseType)


def merchant_tiles(scope: Scope) -> list[Tile]:
    found = current(scope)
    pending = scope.orders.filter(exception_state=ExceptionState.PENDING).count()  # a partial index of few rows
    return [
        Tile(_("待处理"), found[("status", Status.AWAITING_INSTRUCTION)], scope.link(status=Status.AWAITING_INSTRUCTION)),
        Tile(_("3 天内到期"), aged(found, "due_3d"), scope.link(aging="due_3d"), "warn"),
        Tile(_("已超期"), aged(found, "overdue"), scope.link(aging="overdue"), "danger"),
        Tile(_("异常待处理"), pending, scope.link(exception_state=ExceptionState.PENDING), "warn"),
        Tile(_("待仓库提货/转寄"), found[("status", Status.AWAITING_PICKUP)], scope.link(status=Status.AWAITING_PICKUP)),
        Tile(_("待仓库销毁"), found[("status", Status.AWAITING_DESTRUCTION)], scope.link(status=Status.AWAITING_DESTRUCTION)),
    ]


# --- Charts both sides see ----------------------------------------------------------------------------------------

def aging(scope: Scope) -> Chart:
    """Orders awaiting instruction now, by days left to the deadline, stacked by reverse type."""
    keys = [(key, label) for key, label in AGING if key != "none"]
    found = current(scope)
    series = [
        Series(
            str(label),
            [Point(found[("aging", key, t)], scope.link(tab=t, aging=key)) for key, _l in keys],
            stack="type",
        )
        for t, label in ReverseType.choices
    ]
    return Chart("aging", _("待指令单据的处理时限"), _("单"), [str(label) for _k, label in keys], series, _("当前"))


def instructed(scope: Scope) -> dict:
    """{first local day of the week: (instructions, median hours, p90 hours)} of the period's instructions, from
    arrival — or creation, for a parcel instructed before it arrived — to the instruction (never below zero)."""
    def compute():
        start = Case(When(arrived_at__lte=F("instructed_at"), then=F("arrived_at")), default=F("created_at"))
        found = duration_percentiles(
            scope.orders.filter(instructed_at__gte=scope.since), local_bucket("week", "instructed_at", scope.since),
            F("instructed_at"), start,
        )
        return {as_day(k): v for k, v in found.items() if k is not None}

    return scope.once("instructed", compute)


def executed(scope: Scope) -> dict:
    """{warehouse id: (orders, median hours, p90 hours, within 2 days, within 5 days)} of the period's executions,
    from the instruction to the execution."""
    def compute():
        return duration_percentiles(
            scope.orders.filter(executed_at__gte=scope.since), F("warehouse_id"), F("executed_at"), F("instructed_at"),
            within=[24 * d for d in SLA_DAYS],
        )

    return scope.once("executed", compute)


def volume(scope: Scope) -> Chart:
    """Orders created per week by reverse type, and instructions given per week."""
    weeks = scope.weeks()
    created = grouped(scope, "week", "created_at", "reverse_type")
    given = instructed(scope)
    series = [
        Series(
            str(label),
            [Point(created.get((w, t), 0), scope.span(w, w + timedelta(days=6), tab=t)) for w in weeks],
            stack="created",
        )
        for t, label in ReverseType.choices
    ]
    series.append(
        Series(
            _("已下指令"),
            [Point(given.get(w, (0,))[0], scope.span(w, w + timedelta(days=6), time_field="instructed")) for w in weeks],
            kind="line",
        )
    )
    return Chart("volume", _("每周新增单据与指令"), _("单"), [week_label(w) for w in weeks], series, _("期间内,按周"))


def time_to_instruct(scope: Scope) -> Chart:
    """Days to instruct (see `instructed`), median and p90 per week."""
    weeks = scope.weeks()
    found = instructed(scope)
    links = [scope.span(w, w + timedelta(days=6), time_field="instructed") for w in weeks]
    stats = [found.get(w, (0, None, None)) for w in weeks]
    series = [
        Series(name, [Point(days_of(s[i]), link, s[0]) for s, link in zip(stats, links)], kind="line")
        for i, name in ((1, _("中位数")), (2, "P90"))
    ]
    return Chart("time_to_instruct", _("指令用时(到仓至下达指令)"), _("天"), [week_label(w) for w in weeks], series, _("期间内,按周"))


def by_warehouse(found: dict) -> list[tuple[int, str, str]]:
    """(id, code, name) of the warehouses in `found`'s keys, by code."""
    from parcelback.accounts.models import Warehouse

    return list(Warehouse.objects.filter(pk__in=list(found)).order_by("code").values_list("pk", "code", "name"))


def time_to_execute(scope: Scope) -> Chart:
    """Days from the instruction to the warehouse's execution, per warehouse, over what was executed in the period."""
    found = executed(scope)
    warehouses = by_warehouse(found)
    links = [scope.link(warehouse=code, time_field="executed", time_from=scope.first_day.isoformat()) for _pk, code, _n in warehouses]
    series = [
        Series(name, [Point(days_of(found[pk][i]), link, found[pk][0]) for (pk, _c, _n), link in zip(warehouses, links)])
        for i, name in ((1, _("中位数")), (2, "P90"))
    ]
    return Chart("time_to_execute", _("执行用时(指令至仓库完成)"), _("天"), [n for _p, _c, n in warehouses], series, _("期间内完成的单据"))


def exceptions_by_type(scope: Scope) -> Chart:
    """Orders created in the period that had an exception of each type (an order with two types counts in both)."""
    orders = scope.orders.filter(created_at__gte=scope.since).order_by().values("pk")
    rows = OrderException.objects.filter(order_id__in=orders).order_by().values_list("type").annotate(n=Count("order_id", distinct=True))
    found = dict(rows)
    since = scope.first_day.isoformat()
    points = [Point(found.get(t, 0), scope.link(exception_type=t, time_from=since)) for t, _l in OrderException.Type.choices]
    series = [Series(_("单据数"), points)]
    return Chart("exceptions", _("异常类型分布"), _("单"), [str(label) for _t, label in OrderException.Type.choices], series, _("期间内创建的单据"))


def open_exceptions(scope: Scope) -> Chart:
    """Orders whose exception is still open, by how long it has been open."""
    pending = scope.orders.order_by().filter(exception_state=ExceptionState.PENDING)  # an open exception ⇔ pending
    bucket = Case(
        *[When(exception_age_condition(key, scope.now), then=Value(key)) for key, _l in EXCEPTION_AGE], output_field=CharField()
    )
    rows = (
        OrderException.objects.filter(is_open=True, order_id__in=pending.values("pk")).order_by()
        .annotate(bucket=bucket).values_list("bucket").annotate(n=Count("order_id", distinct=True))
    )
    found = dict(rows)
    points = [Point(found.get(key, 0), scope.link(exception_age=key)) for key, _l in EXCEPTION_AGE]
    return Chart(
        "open_exceptions", _("未完结异常(按已开时长)"), _("单"), [str(label) for _k, label in EXCEPTION_AGE],
        [Series(_("单据数"), points)], _("当前"),
    )


def outcomes(scope: Scope) -> Chart:
    """How orders ended, per month: picked up, forwarded, destroyed (by execution) and cancelled (by last update)."""
    months = scope.months()
    executed = grouped(scope, "month", "executed_at", "status")
    cancelled = grouped(scope, "month", "updated_at", "status", status=Status.CANCELLED)
    found = executed | cancelled
    series = [
        Series(
            str(status.label),
            [Point(found.get((m, status.value), 0), scope.span(m, month_end(m), status=status, time_field=moment)) for m in months],
            stack="outcome",
        )
        for status, moment in OUTCOMES
    ]
    return Chart("outcomes", _("处理结果(按月)"), _("单"), [m.strftime("%Y-%m") for m in months], series, _("期间内,按月"))


# --- The provider's charts ------------------------------------------------------------------------------------------

def work_queue(scope: Scope, counts: list[tuple[str, str, int]]) -> Chart:
    """The work queue's tabs now, each bar opening that tab (in the dashboard's warehouse)."""
    base = reverse("orders:queue")
    points = [
        Point(n, base + "?" + urlencode({k: v for k, v in (("tab", tab), ("warehouse", scope.warehouse)) if v}))
        for tab, _l, n in counts
    ]
    return Chart("queue", _("工作台待办"), _("单"), [str(label) for _t, label, _n in counts], [Series(_("单据数"), points)], _("当前"))


def inbound(scope: Scope) -> Chart:
    """Parcels that arrived at the warehouses per day."""
    days = scope.days_list()
    found = grouped(scope, "day", "arrived_at")
    points = [Point(found.get((d,), 0), scope.span(d, d, time_field="arrived")) for d in days]
    return Chart("inbound", _("每日到仓"), _("单"), [d.strftime("%m-%d") for d in days], [Series(_("到仓"), points)], _("期间内,按日"))


def waiting_execution(scope: Scope) -> Chart:
    """Instructions not executed yet, by whole days since they were given, by what is to be done."""
    found = current(scope)
    waiting = [Status.AWAITING_PICKUP, Status.AWAITING_DESTRUCTION]

    def link(status, first: int, last: int | None) -> str:
        since = (scope.today - timedelta(days=last)).isoformat() if last is not None else None
        return scope.link(status=status, time_field="instructed", time_from=since, time_to=(scope.today - timedelta(days=first)).isoformat())

    series = [
        Series(str(status.label), [Point(found[("waiting", key, status.value)], link(status, *days)) for key, days in WAITING], stack="waiting")
        for status in waiting
    ]
    labels = [_("%(first)s–%(last)s 天") % {"first": a, "last": b} if b is not None else _("%(first)s 天以上") % {"first": a} for _k, (a, b) in WAITING]
    return Chart("waiting", _("待执行指令(按已等天数)"), _("单"), labels, series, _("当前"))


def sla(scope: Scope) -> Chart:
    """Per warehouse, the share of what it executed in the period that it executed within 2 and within 5 days."""
    found = executed(scope)
    warehouses = by_warehouse(found)
    links = [scope.link(warehouse=code, time_field="executed", time_from=scope.first_day.isoformat()) for _pk, code, _n in warehouses]
    series = [
        Series(
            _("%(days)s 天内完成") % {"days": d},
            [Point(round(100 * found[pk][3 + i] / found[pk][0], 1), link, found[pk][0]) for (pk, _c, _n), link in zip(warehouses, links)],
        )
        for i, d in enumerate(SLA_DAYS)
    ]
    return Chart("sla", _("时效达成率"), "%", [n for _p, _c, n in warehouses], series, _("期间内完成的单据"))


def merchant_charts(scope: Scope) -> list[Chart]:
    return [aging(scope), volume(scope), time_to_instruct(scope), time_to_execute(scope), exceptions_by_type(scope),
            open_exceptions(scope), outcomes(scope)]


def provider_charts(scope: Scope, queue_counts) -> list[Chart]:
    return [work_queue(scope, queue_counts), inbound(scope), waiting_execution(scope), sla(scope), exceptions_by_type(scope),
            open_exceptions(scope)]
