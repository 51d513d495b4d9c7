"""Counts of the actor's orders under the list's filters, grouped one way: what the stats API answers (and the
dashboard will draw), always the very numbers the list counts for the same filters."""
from datetime import datetime

from django.db.models import Case, CharField, Count, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcelback.accounts.models import Warehouse
from parcelback.core.localtime import as_day, local_bucket

from .filters import AGING, ReverseOrderFilter, aging_condition
from .models import AcceptanceState, DisputeOutcome, ExceptionState, PickupMethod, ReverseType, Status

CHOICES = {
    "status": Status.choices,
    "reverse_type": ReverseType.choices,
    "exception_state": ExceptionState.choices,
    "pickup_method": [*PickupMethod.choices, ("none", gettext_lazy("未登记"))],
    "acceptance_state": AcceptanceState.choices,
}
# A disputed execution by how its dispute ended (open while its exception is); "none": not disputed.
DISPUTE_OUTCOMES = [("open", gettext_lazy("未完结")), *DisputeOutcome.choices, ("none", gettext_lazy("无异议"))]
GROUPS = (*CHOICES, "warehouse", "aging", "week", "dispute_outcome")


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
    elif group_by == "warehouse":  # counted by id from the status index, then named
        found = dict(orders.values_list("warehouse_id").annotate(n=Count("*")).values_list("warehouse_id", "n"))
        named = Warehouse.objects.filter(pk__in=list(found)).order_by("code").values_list("pk", "code", "name")
        buckets = [_bucket(code, name, found[pk]) for pk, code, name in named]
    elif group_by == "dispute_outcome":  # few rows: the disputed orders, by their dispute's outcome
        disputed = orders.filter(acceptance_state=AcceptanceState.DISPUTED).values_list("acceptance__exception__outcome")
        found = dict(disputed.annotate(n=Count("*")).values_list("acceptance__exception__outcome", "n"))
        found["open"] = found.pop("", 0) + found.pop(None, 0)
        found["none"] = orders.count() - sum(found.values())
        buckets = [_bucket(key, label, found.get(key, 0)) for key, label in DISPUTE_OUTCOMES]
    elif group_by == "aging":  # only orders awaiting instruction fall in a deadline bucket: grouped apart, the
        now = now or timezone.now()  # rest counted (scanning every order with the CASE took twice as long)
        bucket = Case(
            *[When(aging_condition(key, now), then=Value(key)) for key, _label in AGING if key != "none"],
            default=Value("none"), output_field=CharField(),
        )
        waiting = orders.filter(status=Status.AWAITING_INSTRUCTION).annotate(bucket=bucket)
        found = dict(waiting.values_list("bucket").annotate(n=Count("*")).values_list("bucket", "n"))
        found.pop("none", None)
        found["none"] = orders.count() - sum(found.values())
        buckets = [_bucket(key, label, found.get(key, 0)) for key, label in AGING]
    else:  # week: the ISO week of the time the filters use (创建时间 unless another 时间 is chosen), local time
        week = local_bucket("week", filterset.time_column)
        found = list(orders.annotate(week=week).values_list("week").annotate(n=Count("*")))
        weeks = sorted((as_day(start), n) for start, n in found if start is not None)
        buckets = [_bucket(start.strftime("%G-W%V"), start.strftime("%G-W%V"), n) for start, n in weeks]
        # Orders that have no such moment yet (not instructed, say) are one bucket at the end.
        buckets += [_bucket("none", _("无"), n) for start, n in found if start is None]
    return {"group_by": group_by, "total": sum(b["count"] for b in buckets), "buckets": buckets}
