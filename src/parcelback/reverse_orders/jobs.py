"""Background work on reverse orders, run by `parcelback worker`: the deadline sweep and large exports."""
import logging
import tempfile
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation

from parcelback.accounts.actors import actor_for

from . import exports, selectors, services
from .models import ExportJob

log = logging.getLogger("parcelback.worker")
# A running export pushes its lease forward with every progress report; a worker that died leaves the job to
# be started again once the lease has run out.
EXPORT_LEASE = timedelta(minutes=5)


def sweep_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Reminders 3 days and 1 day before the instruction deadline, then the automatic "overdue" exception; and
    executions the merchant left unanswered past PARCELBACK_ACCEPTANCE_DAYS accepted by the system."""
    return {
        "reminded": services.remind_deadlines(now=now),
        "overdue": services.flag_overdue(now=now),
        "accepted": services.accept_unanswered(now=now),
    }


def expire_exports(*, now: datetime | None = None) -> int:
    """Delete the files of exports finished more than PARCELBACK_EXPORT_KEEP_DAYS ago (they hold whole order lists
    and would fill the disk); the job's page then asks for a new export. Returns how many expired."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.PARCELBACK_EXPORT_KEEP_DAYS)
    expired = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=cutoff).order_by("id").iterator():
        try:
            job.file.delete(save=False)  # nothing happens when there is no file
        except OSError:
            log.exception("export %s: its file could not be deleted; trying again next sweep", job.pk)
            continue
        expired += ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).update(
            state=ExportJob.State.EXPIRED, file=""
        )
    return expired


def _claimable(now: datetime):
    State = ExportJob.State
    return Q(state=State.PENDING) | Q(state=State.RUNNING, leased_until__lt=now)


def claim_export(*, now: datetime | None = None) -> ExportJob | None:
    """Take the oldest waiting export with a conditional update, so two workers never run the same one."""
    now = now or timezone.now()
    for pk in ExportJob.objects.filter(_claimable(now)).order_by("id").values_list("pk", flat=True)[:5]:
        taken = ExportJob.objects.filter(_claimable(now), pk=pk).update(
            state=ExportJob.State.RUNNING, leased_until=now + EXPORT_LEASE, rows_written=0
        )
        if taken:
            return ExportJob.objects.select_related("user__membership__organisation").get(pk=pk)
    return None


def run_export(job: ExportJob) -> None:
    """Write the file as its requester (same visibility, filters, language and time zone) into storage."""
    orders = selectors.order_list(actor=actor_for(job.user), params=QueryDict(job.params)).console_qs

    def progress(rows: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_written=rows, leased_until=timezone.now() + EXPORT_LEASE)

    with translation.override(job.language), timezone.override(zoneinfo.ZoneInfo(job.time_zone)):
        with tempfile.TemporaryFile() as target:
            rows = exports.write_file(orders, job.fmt, target, progress=progress)
            target.seek(0)
            job.file.save(exports.filename(job.fmt), File(target), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, rows_written=rows, file=job.file.name, finished_at=timezone.now(), leased_until=None
    )


def run_next_export() -> bool:
    """One waiting export, if any; returns whether there was one."""
    job = claim_export()
    if job is None:
        return False
    try:
        run_export(job)
    except Exception:
        log.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, finished_at=timezone.now(), leased_until=None)
    return True
