"""The benchmark's child processes (the export, webhook workers) and what they cost: memory, CPU time, the machine's load."""
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection


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


def cpu_seconds() -> float:
    """This process's CPU time so far, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
