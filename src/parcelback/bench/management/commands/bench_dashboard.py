"""`parcelback bench_dashboard [--repeat N] [--output PATH]`: the dashboard and the stats API at volume (parcelback.bench.dashboard)."""
from django.core.management.base import BaseCommand

from parcelback.bench import dashboard


class Command(BaseCommand):
    help = "Time the dashboard page (gen-merchant, gen-provider) and the stats API on the current scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--output", default="docs/PERFORMANCE.md", help="the report ('' to only print)")

    def handle(self, *args, repeat, output, **options):
        dashboard.run(repeat=repeat, out=self.stdout, output=output or None)
