"""The worker never dies on one bad job or row: the error is logged with its traceback and the loop goes on."""
import logging

import pytest

from parcelback.worker import loop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_jobs(monkeypatch):
    monkeypatch.setattr(loop, "close_old_connections", lambda: None)  # it would close the test's transaction
    monkeypatch.setattr(loop, "run_next_export", lambda: False)  # the export thread would need its own connection


def test_an_exception_in_one_job_is_logged_with_its_traceback_and_the_loop_goes_on(monkeypatch, caplog):
    worker = loop.Worker(interval=0, sweep_every=3600, concurrency=1)
    rounds, delivered = [], []

    def fan_out():
        rounds.append(1)
        if len(rounds) == 1:
            raise KeyError("a tenant's bad row")
        if len(rounds) == 3:
            worker.stop(None, None)
        return 0

    def deliver_due():
        delivered.append(len(rounds))
        return 0

    monkeypatch.setattr(loop, "fan_out", fan_out)
    monkeypatch.setattr(loop, "deliver_due", deliver_due)
    with caplog.at_level(logging.ERROR, logger="parcelback.worker"):
        worker.run(once=False)

    assert len(rounds) == 3 and delivered == [1, 2, 3]  # delivery ran in the round whose fan-out failed, too
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "fan-out" in failure.getMessage() and failure.exc_info[0] is KeyError


def test_a_failing_sweep_does_not_stop_the_other_sweep_jobs(monkeypatch, caplog):
    done = []

    def broken_sweep():
        raise ValueError("corrupt deadline policy")

    monkeypatch.setattr(loop, "sweep_deadlines", broken_sweep)
    monkeypatch.setattr(loop, "purge_expired", lambda: done.append("purged"))
    monkeypatch.setattr(loop, "prune_webhooks", lambda: done.append("pruned") or {})
    with caplog.at_level(logging.ERROR, logger="parcelback.worker"):
        loop.Worker(interval=0, sweep_every=0, concurrency=1).run(once=True)
    assert done == ["purged", "pruned"]
    assert [r.exc_info[0] for r in caplog.records if r.levelno == logging.ERROR] == [ValueError]
