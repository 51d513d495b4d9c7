"""`parcelback bench_digest [--people P] [--orders N]`: the daily digest at scale (see parcelback.bench.digest)."""
from django.core.management.base import BaseCommand

from parcelback.bench import digest


class Command(BaseCommand):
    help = "Time the daily digest for P people × N orders each on the current (scratch) database."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--orders", type=int, default=100, help="orders each person is told of")

    def handle(self, *args, people, orders, **options):
        digest.run(people=people, orders=orders, out=self.stdout)
