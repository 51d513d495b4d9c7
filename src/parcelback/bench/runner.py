"""One benchmark run: every path measured in turn, the report printed and written into its database's section of the file."""
import os
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from parcelback.bench import export, reads, report, webhooks, writes
from parcelback.bench.context import FULL, QUICK, Run, Sizes, make_world
from parcelback.bench.report import Row
from parcelback.reverse_orders.models import OrderLine, ReverseOrder


def run_all(*, quick: bool, output: str, generate: int, repeat: int | None, stdout: OutputWrapper) -> None:
    sizes = QUICK if quick else FULL
    if repeat:
        sizes = Sizes(**{**vars(sizes), "repeat": repeat})
    have = ReverseOrder.objects.count()
    if generate > have:
        call_command("generate", orders=generate - have, stdout=stdout)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["gen-merchant", "gen-provider"])}
    if len(users) < 2:
        raise CommandError("No generated data: run `parcelback generate --orders N` first, or pass --generate N.")
    merchant, provider = users["gen-merchant"], users["gen-provider"]
    tag = uuid.uuid4().hex[:8]
    started, load = timezone.now(), os.getloadavg()[0]
    orders, lines = ReverseOrder.objects.count(), OrderLine.objects.count()
    run = Run(merchant=merchant, provider=provider, tag=tag, world=make_world(tag))
    # The per-token rate limit stays on (its cost is part of the path); only its ceiling is out of the way.
    with override_settings(PARCELBACK_API_RATE="1000000/min"):
        rows = [
            *reads.measure(run, sizes), writes.batch_pickup(run, sizes), writes.bulk_create(run, sizes),
            export.measure(run, sizes), *webhooks.measure(run, sizes),
        ]
    path = Path(output)
    text = section(rows, quick=quick, sizes=sizes, started=started, orders=orders, lines=lines, load=load, path=path)
    stdout.write(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.replace_section(path.read_text() if path.exists() else "", connection.vendor, text))
    stdout.write(f"Wrote {path}")


def section(rows: list[Row], *, quick, sizes: Sizes, started, orders, lines, load, path: Path) -> str:
    """This database's section of the report: what was measured where, the table, and how."""
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    return "\n".join(
        [
            f"## {title}" + (" — quick smoke run, not a measurement" if quick else ""),
            "",
            f"- **Machine**: {report.machine()}; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
            f"- **Database**: {report.database()}",
            f"- **Rows**: {orders:,} reverse orders, {lines:,} goods lines (before the run)",
            f"- **Commit**: {report.commit(path)}",
            f"- **Date**: {started:%Y-%m-%d %H:%M} UTC, {(timezone.now() - started).total_seconds():.0f} s;"
            f" {sizes.repeat} timed runs per read path",
            "",
            report.table(rows),
            "",
            "Reads are gen-merchant's (the largest shop) through `django.test.Client` in-process (no server, no"
            f" network); the list filter is {urlencode(reads.LIST_FILTER)}, newest first, 50 a page. *raw* replays the"
            " SQL the path sent through a bare cursor (+ `json.dumps` for the API). The batch and the bulk create"
            " are compared with the same rows written by bare SQL. The export runs in a child process whose peak"
            " RSS is reported. Webhook workers are separate processes running the worker's fan-out and delivery"
            f" ({webhooks.SENDERS} senders each) against a receiver on 127.0.0.1 that answers at once, then in"
            f" {webhooks.RECEIVER_DELAY * 1000:.0f} ms; deliveries are released together once every worker is up.",
        ]
    )
