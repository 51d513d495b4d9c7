"""`parcelback worker`: runs the background jobs (see parcelback.worker.loop) until SIGINT or SIGTERM."""
import signal

from django.core.management.base import BaseCommand

from parcelback.worker.loop import Worker


class Command(BaseCommand):
    help = "Run background jobs: webhook fan-out and delivery, the deadline sweep, large exports. Several may run at once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="do one round of every job, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to wait when idle (default 1)")
        parser.add_argument("--sweep-every", type=float, default=300.0, help="seconds between sweeps (deadlines, old webhook history and export files)")
        parser.add_argument(
            "--concurrency", type=int, default=8, help="webhooks sent at once (default 8; 1 sends in this thread)"
        )

    def handle(self, *args, once, interval, sweep_every, concurrency, **options):
        worker = Worker(interval=interval, sweep_every=sweep_every, concurrency=concurrency)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, worker.stop)
        self.stdout.write(
            f"Parcelback worker running ({concurrency} webhook senders, idle poll {interval}s,"
            f" sweep every {sweep_every:.0f}s)"
        )
        self.stdout.flush()
        worker.run(once=once)
        self.stdout.write("Parcelback worker stopped.")
