"""`parcelback bench_server [--duration SECONDS] [--workers N] [--quick] [--output PATH]`: the paths of issue 15
through `parcelback serve`, loaded by wrk (parcelback.bench.server). Run it on a scratch database made by
`parcelback generate`; it changes no order."""
from django.core.management.base import BaseCommand

from parcelback.bench import server


class Command(BaseCommand):
    help = "Load the list, detail, scan-box and batch paths through `parcelback serve` with wrk; print a table and write the report."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, metavar="SECONDS", help="wrk's run per path (default 10)")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
        parser.add_argument("--quick", action="store_true", help="a smoke run: 1 s per path")
        parser.add_argument("--output", default="docs/PERFORMANCE.md", help="the report ('' to only print)")

    def handle(self, *args, duration, workers, quick, output, **options):
        server.run(seconds=1 if quick else duration, workers=workers, quick=quick, out=self.stdout, output=output or None)
