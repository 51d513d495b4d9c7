"""`parcelback bench` keeps working: a quick run over a few thousand generated orders measures every path and
writes its report. No time is asserted: the numbers belong in docs/PERFORMANCE.md, not in CI."""
import io

import pytest
from django.core.management import call_command
from django.db import connection

from parcelback.bench.report import replace_section

PATHS = [
    "list API, first page (tab+status+warehouse)",
    "HTML list page, same filter",
    "list API, first page (whole shop)",
    "list API, deep page",
    "list API, 100 pasted numbers",
    "list API, goods name contains",
    "tab counts",
    "batch pickup",
    "provider bulk create via API",
    "CSV export",
    "webhooks to an instant receiver, 1 worker",
    "webhooks to an instant receiver, 4 workers",
    "webhooks to a receiver answering in 50 ms, 1 worker",
    "webhooks to a receiver answering in 50 ms, 4 workers",
]


@pytest.mark.django_db(transaction=True)  # the export and the webhook workers are child processes: data must be committed
def test_quick_run_writes_a_row_for_every_path(tmp_path):
    report = tmp_path / "PERFORMANCE.md"

    call_command("bench", quick=True, generate=3000, output=str(report), stdout=io.StringIO())

    text = report.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| path")]
    assert [next(p for p in PATHS if row.startswith(f"| {p}")) for row in rows] == PATHS
    assert text.count(f"<!-- bench:{connection.vendor} -->") == 1
    for fact in ("**Machine**", "**Database**", "**Rows**: 3,000 reverse orders", "**Commit**", "**Date**"):
        assert fact in text
    assert "40 of 40 delivered" in text and "0 duplicates" in text


def test_a_run_replaces_only_its_own_database_section():
    text = replace_section("", "sqlite", "old sqlite")
    text = replace_section(text, "postgresql", "postgres table")

    text = replace_section(text, "sqlite", "new sqlite")

    assert text.count("<!-- bench:sqlite -->") == 1
    assert "new sqlite" in text and "old sqlite" not in text
    assert text.index("new sqlite") < text.index("postgres table")
    assert text.startswith("# Performance")
