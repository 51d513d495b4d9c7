"""Plumbing for `parcelback bench`: timing, recording the SQL a path sends and replaying it bare, bulk inserts
in bare SQL, the local webhook receiver, the machine's description and the report file."""
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
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

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


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


# --- a webhook receiver on 127.0.0.1 ---------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections open, as a real receiver (nginx, a load balancer) does

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.server.delay)
        with self.server.lock:
            self.server.seen[self.headers.get("webhook-id", "")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Receiver(ThreadingHTTPServer):
    """Accepts every webhook with 204 (after `delay` seconds, as a remote receiver would take) and counts each
    message id, so a duplicate delivery shows."""

    daemon_threads = True
    request_queue_size = 256  # many senders at once must not be refused at the door

    def __init__(self):
        self.seen: Counter[str] = Counter()
        self.delay = 0.0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Hook)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/webhooks"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


# --- child processes -------------------------------------------------------------------------------------


def database_url() -> str:
    """The current connection as a DATABASE_URL, so a child process reaches the same database (also a test one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def child(option: str, arg: dict, **popen) -> subprocess.Popen:
    """`parcelback bench --child OPTION` in a new process on the same database."""
    env = os.environ | {"DATABASE_URL": database_url(), "PARCELBACK_WEBHOOK_ALLOW_PRIVATE": "1"}
    command = [sys.executable, "-m", "parcelback.cli", "bench", "--child", option, "--child-arg", json.dumps(arg)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True, **popen)


def peak_rss_kb() -> int:
    """This process's own peak resident memory. Linux keeps getrusage's ru_maxrss across exec, so a child started
    by a big parent would report the parent's size; VmHWM belongs to the process's own address space."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_times() -> tuple[int, int]:
    """The whole machine's (busy, total) CPU time so far, in clock ticks, from /proc/stat; (0, 0) elsewhere."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return sum(ticks) - idle, sum(ticks)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """How much of the machine's CPU (all cores) was busy between two `cpu_times()`."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total else 0.0


# --- the machine and the report ----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        )
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f", {kb / 1024 / 1024:.1f} GiB memory"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}, Python {platform.python_version()}"


def database() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        return " ".join(cursor.fetchone()[0].split()[:2])


def commit(report: Path) -> str:
    """The commit measured; a change to the report itself (the other database's section) does not count."""

    def git(*args) -> str:
        return subprocess.run(["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True).stdout.strip()

    try:
        sha = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", f":(exclude){report.resolve()}")
        return sha + (" (with uncommitted changes)" if changed else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


REPORT_HEAD = """# Performance

Measured by `parcelback bench` (see the README's Performance section): each path is timed in-process next to
its raw baseline in the same run — the very SQL the path sent, recorded with `connection.execute_wrapper` and
replayed through a bare cursor with `fetchall()` (and `json.dumps` of the rows for API paths). Writes are
compared with the same rows written by hand-made bare SQL. Each database has its own section below; a run
replaces only its database's section.
"""


def replace_section(text: str, key: str, body: str) -> str:
    """The report with `key`'s section replaced by `body` (or appended when there is none yet)."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        return before + block + rest.split(end, 1)[1]
    return (text.rstrip("\n") or REPORT_HEAD.rstrip("\n")) + "\n\n" + block + "\n"


@dataclass
class Row:
    """One line of the table; `measured` is the value the target judges (a ratio, a size, a throughput)."""

    path: str
    median: str = "—"
    p95: str = "—"
    raw: str = "—"
    ratio: str = "—"
    queries: str = "—"
    target: str = "—"
    measured: str = "—"
    met: bool | None = None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def table(rows: list[Row]) -> str:
    head = ["path", "median ms", "p95 ms", "raw ms", "product/raw", "queries", "target", "measured", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        met = "—" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.path} | {r.median} | {r.p95} | {r.raw} | {r.ratio} | {r.queries} | {r.target} | {r.measured} | {met} |")
    return "\n".join(lines)
