"""Counts of the actor's orders under the list's filters, grouped one way: what the stats API answers (and the
dashboard will draw), always the very numbers the list counts for the same filters."""
from datetime import datetime

from django.db.models import Case, CharField, Count, Value, When
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filters import AGING, ReverseOrderFilter, aging_condition
from .models import ExceptionState, PickupMethod, ReverseType, Status

CHOICES = {
    "status": Status.choices,
    "reverse_type": ReverseType.choices,
    "exception_state": ExceptionState.choices,
    "pickup_method": [*PickupMethod.choices, ("none", gettext_lazy("未登记"))],
}
GROUPS = (*CHOICES, "warehouse", "aging", "week")


def _bucket(key: str, label, count: int) -> dict:
    return {"key": key, "label": str(label), "count": count}


def counts(*, filterset: ReverseOrderFilter, group_by: str, now: datetime | None = None) -> dict:
    """{"group_by", "total", "buckets": [{"key", "label", "count"}]} for a valid filterset. Enumerations list
    every value (zeros too) in their order; warehouses and weeks only those with orders."""
    orders = filterset.qs.order_by()
    if group_by in CHOICES:
        found = dict(orders.values_list(group_by).annotate(n=Count("*")).values_list(group_by, "n"))
        found["none"] = found.pop(None, 0) + found.get("none", 0)  # no pickup method yet (not registered)
        buckets = [_bucket(key, _(label), found.get(key, 0)) for key, label in CHOICES[group_by]]
    elif group_by == "warehouse":
        rows = orders.values_list("warehouse__code", "warehouse__name").annotate(n=Count("*")).order_by("warehouse__code")
        buckets = [_bucket(code, name, n) for code, name, n in rows]
    elif group_by == "aging":
        now = now or timezone.now()
        bucket = Case(
            *[When(aging_condition(key, now), then=Value(key)) for key, _label in AGING if key != "none"],
            default=Value("none"), output_field=CharField(),
        )
        found = dict(orders.annotate(bucket=bucket).values_list("bucket").annotate(n=Count("*")).values_list("bucket", "n"))
        buckets = [_bucket(key, label, found.get(key, 0)) for key, label in AGING]
    else:  # week: the ISO week of the time the filters use (创建时间 unless another 时间 is chosen), local time
        week = TruncWeek(filterset.time_column, tzinfo=timezone.get_current_timezone())
        rows = orders.annotate(week=week).values_list("week").annotate(n=Count("*")).order_by("week")
        buckets = [_bucket(start.strftime("%G-W%V"), start.strftime("%G-W%V"), n) for start, n in rows if start]
        # Orders that have no such moment yet (not instructed, say) are one bucket at the end.
        buckets += [_bucket("none", _("无"), n) for start, n in rows if start is None]
    return {"group_by": group_by, "total": sum(b["count"] for b in buckets), "buckets": buckets}
