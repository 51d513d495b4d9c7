"""Local calendar buckets, durations and their percentiles in SQL. PostgreSQL converts time zones and computes the
median and p90 itself (percentile_cont). SQLite has neither: Django's time-zone conversion there is a Python function
called for every row (seconds at 100k rows), so the zone's UTC offsets over the period are applied in SQL; and it
hands over the hours, of which Python takes the same interpolated percentiles."""
from collections import defaultdict
from datetime import date, datetime, timedelta
from math import floor

from django.db import connection
from django.db.models import Aggregate, Case, CharField, Count, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Greatest, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

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


TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
# SQLite date() modifiers from a local day to the first day of its bucket (weeks start on Monday).
START_OF = {"day": [], "week": ["weekday 0", "-6 days"], "month": ["start of month"]}


def offsets(since: datetime, until: datetime) -> list[tuple[datetime | None, int]]:
    """The current zone's UTC offset in minutes over [since, until], as (until this moment, offset) pieces, the last
    open-ended: one piece, or one more at each daylight-saving change."""
    zone = timezone.get_current_timezone()

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)

    pieces, current, day = [], offset(since), since
    while day < until:
        following = min(day + timedelta(days=1), until)
        if offset(following) != current:  # a change within this day: find its second
            low, high = day, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == current else (low, middle)
            pieces.append((high, current))
            current = offset(high)
        day = following
    return [*pieces, (None, current)]


def local_bucket(kind: str, column: str, since: datetime):
    """The first local day of the day, week or month a moment column falls in (for moments from `since` on)."""
    if connection.vendor != "sqlite":
        return TRUNC[kind](column, tzinfo=timezone.get_current_timezone())

    def shifted(minutes: int):
        modifiers = [Value(f"{minutes:+d} minutes"), *(Value(m) for m in START_OF[kind])]
        return Func(F(column), *modifiers, function="date", output_field=CharField())

    *changes, (_end, last) = offsets(since, timezone.now() + timedelta(days=1))
    if not changes:
        return shifted(last)
    return Case(*[When(**{f"{column}__lt": end}, then=shifted(m)) for end, m in changes], default=shifted(last))


def as_day(value) -> date | None:
    """A bucket's key as a local date, whichever way the database answered."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    return date.fromisoformat(value) if isinstance(value, str) else timezone.localdate(value)


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
