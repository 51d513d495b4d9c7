"""The dashboard benchmark times every period for both roles and every stats group, and writes its report section."""
import io

import pytest
from django.core.management import call_command

from parcelback.bench import dashboard
from parcelback.reverse_orders.stats import GROUPS

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_dashboard_benchmark_reports_every_path_with_plans(tmp_path):
    call_command("generate", orders=300, stdout=io.StringIO())
    out, report = io.StringIO(), tmp_path / "PERFORMANCE.md"
    dashboard.run(repeat=1, out=out, output=str(report))
    printed = out.getvalue().splitlines()
    assert len(printed) == 12 + len(GROUPS) and all("queries" in line for line in printed)
    text = report.read_text()
    assert "<!-- bench:dashboard-" in text and "| dashboard page, provider, 365 days, kept snapshot |" in text
    assert text.count("```sql") == 3 + 2  # the page's three slowest statements, the stats API's week and aging
    assert "Plans of the stats API's week and aging counts" in text
