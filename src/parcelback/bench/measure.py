"""The benchmark's measuring tools: timing, recording the SQL a path sends and replaying it bare, bulk inserts in bare SQL."""
import json
import math
import statistics
import time
from contextlib import contextmanager

from django.db import connection

# --- timing ---------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def interleaved(product, raw, repeat: int) -> tuple[list[float], list[float]]:
    """Time `product` and `raw` alternately, so a slow moment of the machine hits both alike."""
    product_times, raw_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        product()
        product_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw()
        raw_times.append(time.perf_counter() - started)
    return product_times, raw_times


# --- SQL as sent, and replayed bare ---------------------------------------------------------------------


class Recorder:
    """A `connection.execute_wrapper` keeping every statement exactly as sent: sql, params, executemany or not."""

    def __init__(self):
        self.statements: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        if many:
            params = list(params)  # may be a generator: keep a copy and send the same values
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


class QueryCounter:
    """A `connection.execute_wrapper` that only counts, cheap enough to leave on while timing."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted():
    """`with counted() as step:` — the queries run inside (`step.count`) and the time it took (`step.seconds`)."""
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        yield counter
    counter.seconds = time.perf_counter() - started


def replay(statements, *, as_json: bool) -> None:
    """The floor under a path: its statements through a bare cursor, every row fetched (and JSON-encoded for
    an API path), with no ORM, no templates, no HTTP handling."""
    with connection.cursor() as cursor:
        for sql, params, many in statements:
            if many:
                cursor.executemany(sql, params)
                continue
            cursor.execute(sql, params)
            if cursor.description is not None:
                rows = cursor.fetchall()
                if as_json:
                    json.dumps(rows, default=str)


# --- bulk inserts in bare SQL ----------------------------------------------------------------------------


def db_row(obj, columns: list[str]) -> tuple:
    """A model instance's values as the database takes them, for a bare INSERT (prepared before the clock runs)."""
    fields = {f.column: f for f in obj._meta.concrete_fields}
    return tuple(fields[c].get_db_prep_save(fields[c].pre_save(obj, True), connection) for c in columns)


def insert_columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if not f.primary_key]


def bare_insert(cursor, model, columns: list[str], rows: list[tuple], *, returning: bool = False) -> list[int]:
    """Multi-row INSERTs in the database's batch size (as bulk_create would batch them); the new ids if asked."""
    quote_name = connection.ops.quote_name
    size = connection.ops.bulk_batch_size(columns, rows) or len(rows)  # only the number of columns counts
    head = f"INSERT INTO {quote_name(model._meta.db_table)} ({', '.join(map(quote_name, columns))}) VALUES "
    one = "(" + ",".join(["%s"] * len(columns)) + ")"
    ids = []
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        sql = head + ",".join([one] * len(chunk)) + (f" RETURNING {quote_name('id')}" if returning else "")
        cursor.execute(sql, [value for row in chunk for value in row])
        if returning:
            ids += [row[0] for row in cursor.fetchall()]
    return ids
