"""`parcelback bench_import [--rows N] [--output PATH]`: a spreadsheet of instructions at scale (parcelback.bench.imports)."""
from django.core.management.base import BaseCommand

from parcelback.bench import imports


class Command(BaseCommand):
    help = "Time a N-row instruction import (write, read, plan, submit) for gen-merchant on the current scratch database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--output", default="docs/PERFORMANCE.md", help="the report ('' to only print)")

    def handle(self, *args, rows, output, **options):
        imports.run(rows=rows, out=self.stdout, output=output or None)
