"""The worker's rounds: webhook fan-out and delivery, large exports and the periodic sweep, until stopped.

Any number of workers may run at once: each job claims its rows with a conditional update or a row lock, so
no work is done twice, and work a dead worker had claimed is taken up again when its lease ends.

Why not django-tasks' database backend: its worker marks a job RUNNING and nothing ever picks up a job whose
worker died, which would lose a webhook; it has no retries with backoff and no periodic jobs. Our rows
(outbox, deliveries, orders) already are the durable queue, written in the same transaction as the change.
"""
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

from django.db import OperationalError, close_old_connections, connection

from parcelback.core.idempotency import purge_expired
from parcelback.dashboard.snapshots import refresh_snapshots
from parcelback.instruction_imports.jobs import forget_expired_codes, run_next_import
from parcelback.notifications.digest import plan_digests
from parcelback.notifications.jobs import fan_out_notifications
from parcelback.notifications.mail import report_in_doubt, send_due_mail
from parcelback.reverse_orders.jobs import expire_exports, run_next_export, sweep_deadlines
from parcelback.webhooks.delivery import Senders, deliver_due, fan_out
from parcelback.webhooks.delivery import prune as prune_webhooks

logger = logging.getLogger("parcelback.worker")


class Worker:
    """One worker process's jobs; `stop()` (a signal handler) ends it after the round under way."""

    def __init__(self, *, interval: float, sweep_every: float, concurrency: int):
        self.interval = interval
        self.sweep_every = sweep_every
        self.concurrency = concurrency
        self.running = True

    def run(self, *, once: bool) -> None:
        senders = ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook") if self.concurrency > 1 else nullcontext()
        # Large exports take minutes: one at a time in their own thread, so webhooks keep flowing meanwhile.
        self.exporter = ThreadPoolExecutor(1, thread_name_prefix="export")
        self.export_running = None
        with senders as pool, self.exporter:
            self.senders = Senders(pool, self.concurrency) if pool else None
            try:
                self.loop(once=once)
            finally:
                if self.senders:
                    self.senders.finish()

    def loop(self, *, once: bool) -> None:
        last_sweep = float("-inf")
        while self.running:
            close_old_connections()
            # Each job on its own: one that fails (a bad row, a bug) is logged and the others still run this round.
            busy = bool(self.guard("fan-out", fan_out, 0)) | bool(self.guard("delivery", self.deliver, 0, once=once))
            busy |= bool(self.guard("notifications", fan_out_notifications, 0))
            busy |= bool(self.guard("email", send_due_mail, 0))
            busy |= bool(self.guard("instruction import", run_next_import, False))  # one bounded step per round
            if once:
                busy |= bool(self.guard("export", run_next_export, False))
            elif self.export_running is None or self.export_running.done():
                self.export_running = self.exporter.submit(self.export_in_thread)
            if once or time.monotonic() - last_sweep >= self.sweep_every:
                last_sweep = time.monotonic()
                self.sweep()
            if once:
                break
            if not busy:
                time.sleep(self.interval)

    def sweep(self) -> None:
        """The periodic jobs, each guarded like the rest."""
        done = self.guard("deadline sweep", sweep_deadlines, {})
        self.guard("idempotency purge", purge_expired, None)
        done |= self.guard("webhook pruning", prune_webhooks, {})
        done |= {"exports expired": self.guard("export expiry", expire_exports, 0)}
        done |= {"digests": self.guard("daily digest", plan_digests, 0)}
        done |= {"emails in doubt": self.guard("emails in doubt", report_in_doubt, 0)}
        done |= {"import codes forgotten": self.guard("import codes", forget_expired_codes, 0)}
        done |= {"dashboards refreshed": self.guard("dashboard refresh", refresh_snapshots, 0)}
        if any(done.values()):
            logger.info("sweep: %s", done)

    @staticmethod
    def guard(name: str, job, failed, **kwargs):
        """Run one job; on an error log it (with the traceback unless it is the database being busy) and answer
        `failed`, so no tenant's row and no bug in one job can stop the worker for everyone."""
        try:
            return job(**kwargs)
        except OperationalError as error:  # e.g. SQLite busy beyond its timeout: try again next round
            logger.warning("worker job %s failed: %s", name, error)
        except Exception:
            logger.exception("worker job %s failed; the worker goes on", name)
        return failed

    def deliver(self, *, once: bool) -> int:
        """Webhooks: a round in this thread, or (with senders) keep the pool busy, waiting at most `interval`."""
        if self.senders is None:
            return deliver_due()
        if once:
            leased = self.senders.step(timeout=0)
            self.senders.finish()
            return leased
        return self.senders.step(timeout=self.interval) or len(self.senders.sending)

    def export_in_thread(self) -> bool:
        try:
            return self.guard("export", run_next_export, False)
        finally:
            connection.close()  # this thread's own connection

    def stop(self, signum, frame) -> None:
        self.running = False
