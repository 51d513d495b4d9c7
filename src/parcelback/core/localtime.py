"""Local calendar days, weeks and months of moment columns, grouped in SQL on both databases. The zone's UTC offsets
over the range are applied in SQL, one piece per daylight-saving period: on SQLite Django's conversion is a Python
function called for every row (seconds at 100k rows), and PostgreSQL's own (AT TIME ZONE) costs three times a
shift and a date_bin. PostgreSQL converts months itself."""
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Case, CharField, DateField, F, Func, Value, When
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
# SQLite date() modifiers from a local day to the first day of its bucket (weeks start on Monday).
START_OF = {"day": [], "week": ["weekday 0", "-6 days"], "month": ["start of month"]}
# PostgreSQL bins days and weeks (in days) from a Monday midnight; months are truncated in the zone.
DAYS, MONDAY = {"day": 1, "week": 7}, "TIMESTAMPTZ '2000-01-03 00:00:00+00'"


def offsets(since: datetime, until: datetime) -> list[tuple[datetime | None, int]]:
    """The current zone's UTC offset in minutes over [since, until] (whole days), as (until this moment, offset)
    pieces, the last open-ended: one piece, or one more at each daylight-saving change."""
    return _offsets(timezone.get_current_timezone_name(), since.date(), until.date() + timedelta(days=1))


@lru_cache(maxsize=64)
def _offsets(zone_name: str, first: date, last: date) -> list[tuple[datetime | None, int]]:
    zone = ZoneInfo(zone_name)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(last, datetime.min.time(), tzinfo=zone)

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


def local_bucket(kind: str, column: str, since: datetime | None = None):
    """The first local day of the day, week or month a moment column falls in (for moments from `since` on: by
    default any since 2000, the filters' first year)."""
    since = since or datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone())
    if connection.vendor == "sqlite":
        def shifted(minutes: int):
            modifiers = [Value(f"{minutes:+d} minutes"), *(Value(m) for m in START_OF[kind])]
            return Func(F(column), *modifiers, function="date", output_field=CharField())
    elif kind in DAYS and connection.pg_version >= 140000:
        # date_bin of the moment shifted to local time costs a third of a per-row zone conversion (AT TIME ZONE).
        def shifted(minutes: int):
            binned = f"date_bin(INTERVAL '{DAYS[kind]} days', %(expressions)s + INTERVAL '{minutes:d} minutes', {MONDAY})"
            return Func(F(column), template=f"({binned})::date", output_field=DateField())
    else:
        return TRUNC[kind](column, tzinfo=timezone.get_current_timezone())

    *changes, (_end, last) = offsets(since, timezone.now() + timedelta(days=1))
    if not changes:
        return shifted(last)
    return Case(*[When(**{f"{column}__lt": end}, then=shifted(m)) for end, m in changes], default=shifted(last))


def as_day(value) -> date | None:
    """A bucket's key as a local date, whichever way the database answered."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    return date.fromisoformat(value) if isinstance(value, str) else timezone.localdate(value)


