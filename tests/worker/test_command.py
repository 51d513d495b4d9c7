"""`parcelback worker` itself: what it says when it starts and stops, and that a signal ends it after the round under way."""
import io
import os
import signal

import pytest
from django.core.management import call_command

from parcelback.worker import loop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def keep_signal_handlers(monkeypatch):
    """The command installs SIGINT and SIGTERM handlers for its process; give the test process its own back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    monkeypatch.setattr(loop, "close_old_connections", lambda: None)  # it would close the test's transaction
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def test_once_runs_one_round_and_reports_its_settings():
    out = io.StringIO()

    call_command("worker", "--once", "--concurrency", "1", "--interval", "0.5", "--sweep-every", "60", stdout=out)

    assert out.getvalue() == (
        "Parcelback worker running (1 webhook senders, idle poll 0.5s, sweep every 60s)\nParcelback worker stopped.\n"
    )


def test_sigterm_stops_the_worker_after_the_round_under_way(monkeypatch):
    rounds = []

    def fan_out():
        rounds.append(1)
        os.kill(os.getpid(), signal.SIGTERM)
        return 0

    monkeypatch.setattr(loop, "fan_out", fan_out)
    monkeypatch.setattr(loop, "run_next_export", lambda: False)  # the export thread would need its own connection
    out = io.StringIO()

    call_command("worker", "--concurrency", "1", "--interval", "0.01", stdout=out)

    assert len(rounds) == 1
    assert out.getvalue().endswith("Parcelback worker stopped.\n")
