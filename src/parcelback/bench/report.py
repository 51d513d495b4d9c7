"""The benchmark's report: its table, the machine, database and commit measured, and one section per database in the file."""
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection


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
        inside = report.resolve().is_relative_to(Path(git("rev-parse", "--show-toplevel")))
        excluded = [f":(exclude){report.resolve()}"] if inside else []  # git refuses a path outside the repository
        changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", *excluded)
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
