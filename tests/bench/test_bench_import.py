"""The instruction-import benchmark runs end to end on generated data and writes its section of the report."""
import io

import pytest
from django.core.management import call_command

from parcelback.bench import imports
from parcelback.instruction_imports.models import InstructionImport

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_import_benchmark_plans_and_submits_and_reports(tmp_path):
    call_command("generate", orders=400, stdout=io.StringIO())
    out, report = io.StringIO(), tmp_path / "PERFORMANCE.md"
    imports.run(rows=30, out=out, output=str(report))
    printed = out.getvalue()
    assert "30 rows" in printed and "0 refused" in printed
    record = InstructionImport.objects.get()
    assert record.status == "submitted" and all(r["outcome"] in ("registered", "destruction_confirmed") for r in record.rows)
    assert "<!-- bench:import-" in report.read_text() and "| submit |" in report.read_text()
