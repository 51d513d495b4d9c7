"""`parcelback bench_server` keeps working: a quick run starts the real server on a few hundred generated orders,
loads every path with wrk and writes its report section. No time is asserted: the numbers belong in
docs/PERFORMANCE.md, not in CI. Without wrk it skips, except in CI (CI=1), where it fails."""
import io
import os
import shutil

import pytest
from django.core.management import call_command
from django.db import connection

# The server is a child process: the generated orders, the token and the sessions must be committed.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PATHS = [
    "list API, 50 rows, 1 connection",
    "list API, 50 rows, 8 connections",
    "HTML list page, same filter",
    "order detail API",
    "order detail page",
    "scan-box lookup (work queue, one match)",
    "batch pickup plan preview",
    "empty authenticated API answer",
]


@pytest.fixture
def wrk():
    if not shutil.which("wrk"):
        if os.environ.get("CI"):
            pytest.fail("wrk is not installed, and the server benchmark must run in CI")
        pytest.skip("wrk is not installed")


def test_quick_run_loads_every_path_through_the_server(wrk, tmp_path):
    call_command("generate", orders=400, stdout=io.StringIO())
    report = tmp_path / "PERFORMANCE.md"

    call_command("bench_server", quick=True, workers=2, output=str(report), stdout=io.StringIO())

    text = report.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| path")]
    assert [next(p for p in PATHS if row.startswith(f"| {p}")) for row in rows] == PATHS
    assert all(row.split(" | ")[7] == "0" for row in rows)  # errors: every answer was the expected one
    assert text.count(f"<!-- bench:server-{connection.vendor} -->") == 1
    for fact in ("**Machine**", "**Database**", "**Rows**: 400 reverse orders", "**Commit**", "**Date**", "2 sync workers"):
        assert fact in text
