"""Serve the console with gunicorn, a production-grade WSGI server (never Django's runserver)."""
import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Collect static files and serve Parcelback with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))

    def handle(self, *args, host, port, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Parcelback on http://{host}:{port}/  (gunicorn, {workers} workers)")
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "parcelback.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
            # A large export streams for longer than gunicorn's default 30 s.
            "--timeout", "300",
            # The list page's filters live in the URL, and people paste hundreds of numbers into 单号 (a batch takes
            # up to 1,000: ~20 KB of query string). Gunicorn answers 414 above 4 KB by default and caps any other
            # value at 8 KB, so 0 ("unlimited"; gunicorn still stops at 1 MB): the request line is bounded by the
            # proxy in front (nginx: large_client_header_buffers) and Django's own limits on what it parses.
            "--limit-request-line", "0",
        ]
        os.execv(sys.executable, argv)
