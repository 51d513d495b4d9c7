"""Durations and their percentiles in SQL: PostgreSQL computes the median and p90 itself (percentile_cont); SQLite,
which has no such aggregate, hands over the hours and Python takes the same interpolated percentiles."""
from collections import defaultdict
from math import floor

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Func, Q, Value
from django.db.models.functions import Greatest

FRACTIONS = (0.5, 0.9)


class Hours(Func):
    """Hours from the second expression to the first (`Hours(end, start)`), as a float."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="((julianday(%(expressions)s)) * 24.0)", arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)", arg_joiner=" - ", **extra)


class Percentile(Aggregate):
    """PostgreSQL's continuous percentile of an expression (linear interpolation between the nearest values)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float):
        super().__init__(expression, fraction=float(fraction))


def interpolated(values: list[float], fraction: float) -> float:
    """percentile_cont of sorted values: the same figure PostgreSQL gives."""
    position = fraction * (len(values) - 1)
    low = floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def duration_percentiles(queryset, group, end, start, within: list[float] = ()) -> dict:
    """{group key: (orders, median hours, p90 hours, *orders within each of `within` hours)} of `end - start` (never
    below zero) per group."""
    hours = Greatest(Hours(end, start), Value(0.0))
    if connection.vendor == "postgresql":
        # Counting a column the index holds (not the id), so PostgreSQL can answer from the index alone.
        limits = {f"w{i}": Count(end, filter=Q(hours__lte=limit)) for i, limit in enumerate(within)}
        rows = queryset.annotate(key=group, hours=hours).values("key").annotate(
            n=Count("*"), **{f"p{int(f * 100)}": Percentile(F("hours"), f) for f in FRACTIONS}, **limits
        ).values_list("key", "n", "p50", "p90", *limits)
        return {key: tuple(rest) for key, *rest in rows}
    found = defaultdict(list)
    for key, value in queryset.annotate(key=group, hours=hours).values_list("key", "hours"):
        found[key].append(value)
    return {
        key: (len(v), *(interpolated(sorted(v), f) for f in FRACTIONS), *(sum(h <= limit for h in v) for limit in within))
        for key, v in found.items()
    }
