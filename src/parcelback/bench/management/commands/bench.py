"""`parcelback bench`: times the product's paths against a raw baseline in the same run, prints a table and
writes it to docs/PERFORMANCE.md (one section per database) with the machine, database, row count and commit.

It writes benchmark data (its own shop and orders, API-created orders, webhook deliveries) into the current
database: run it on a scratch one, e.g.
    PARCELBACK_DATA_DIR=/tmp/pb-bench parcelback migrate && PARCELBACK_DATA_DIR=/tmp/pb-bench parcelback bench --generate 200000
The read paths use the data of `parcelback generate`: gen-merchant runs the largest shop (30% of all orders),
gen-provider the first provider. The paths themselves live in parcelback.bench.
"""
import argparse
import json

from django.core.management.base import BaseCommand

from parcelback.bench import export, webhooks
from parcelback.bench.runner import run_all

# The benchmark's own child processes: the export (so its peak memory is its own) and webhook workers.
CHILDREN = {"export": export.export_child, "worker": webhooks.worker_child}


class Command(BaseCommand):
    help = "Benchmark the product's paths against raw SQL in the same run; print a table and write docs/PERFORMANCE.md."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="a smoke run: few repeats, small sizes")
        parser.add_argument("--output", default="docs/PERFORMANCE.md", help="the report (default docs/PERFORMANCE.md)")
        parser.add_argument(
            "--generate", type=int, default=0, metavar="N", help="first generate orders until the database holds N"
        )
        parser.add_argument("--repeat", type=int, help="timed runs of each read path (default 50, quick 3)")
        # A child process of the benchmark itself (the export's memory, webhook workers).
        parser.add_argument("--child", choices=list(CHILDREN), help=argparse.SUPPRESS)
        parser.add_argument("--child-arg", default="{}", help=argparse.SUPPRESS)

    def handle(self, *args, quick, output, generate, repeat, child, child_arg, **options):
        if child:
            return CHILDREN[child](self.stdout, **json.loads(child_arg))
        run_all(quick=quick, output=output, generate=generate, repeat=repeat, stdout=self.stdout)
