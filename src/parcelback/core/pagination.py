"""Keyset (cursor) pagination: a page starts after the last row of the previous one, so deep pages cost
the same as the first and rows inserted meanwhile never shift a page."""
import base64
import json
from datetime import datetime

from django.db.models import Q

from .errors import Code, Refused


def _bad_cursor() -> Refused:
    return Refused(Code.INVALID, field="cursor", errors={"cursor": "invalid_cursor"})


def encode_cursor(ordering: tuple[str, str], row) -> str:
    column = ordering[0].lstrip("-")
    value = getattr(row, column)
    raw = json.dumps({"o": list(ordering), "v": value.isoformat() if value else None, "id": row.pk})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: tuple[str, str]) -> tuple[datetime, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value, pk = datetime.fromisoformat(data["v"]), int(data["id"])
    except (ValueError, TypeError, KeyError):
        raise _bad_cursor() from None
    if tuple(data.get("o", ())) != tuple(ordering):  # a cursor belongs to the ordering it was made with
        raise _bad_cursor()
    return value, pk


def keyset_page(queryset, ordering: tuple[str, str], *, limit: int, cursor: str | None, fetch=list):
    """The rows after `cursor` in `ordering` (a column then the primary key, same direction) and the next cursor;
    `fetch` reads the sliced queryset into rows that have the column and `pk` as attributes."""
    if cursor:
        value, pk = decode_cursor(cursor, ordering)
        column = ordering[0].lstrip("-")
        op = "lt" if ordering[0].startswith("-") else "gt"
        # The OR alone is not an index bound; the redundant `column <= value` (or >=) lets the database start
        # its index scan at the cursor instead of filtering every row before it.
        bound = f"{column}__{op[0]}te"
        queryset = queryset.filter(Q(**{bound: value}), Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"pk__{op}": pk}))
    rows = fetch(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(ordering, rows[-1])
