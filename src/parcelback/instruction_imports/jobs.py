"""Large instruction imports, run by `parcelback worker` like large exports: checking a file's rows into a plan, then
submitting its groups a few at a time, with progress for the page. Each call does one bounded step of one import
(all of a plan, or one chunk of groups) so the worker's loop stays responsive.

Race-safe as the exports: an import is claimed with a conditional update and a lease; a worker that died leaves it
to be taken up again once the lease has run out. A chunk of groups and its record (outcomes, progress, sealed
codes) are written in one transaction that commits only if the progress is still what the chunk started from, so
two workers never both write a chunk, and a crash leaves no group half written nor written but unrecorded."""
import logging
import time
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from parcelback.accounts.actors import actor_for
from parcelback.core.errors import Refused

from . import services
from .codes import KEEP_SECONDS, forget_expired_codes, sealed_codes  # the sweep: codes nobody came to see in time
from .models import InstructionImport

log = logging.getLogger("parcelback.worker")
State = InstructionImport.Status
LEASE = timedelta(minutes=5)
# One call's share of a submission: a few groups (each one registration) and not too many orders.
GROUPS_PER_CALL = 50
ORDERS_PER_CALL = 2000
FAILED_CHECKING = gettext_noop("后台检查失败,未提交任何指令。请重新上传;如果再次失败,请联系平台管理员。")
FAILED_SUBMITTING = gettext_noop(
    "后台提交中断:此前已提交的分组保持有效,其余未提交。请下载结果文件查看每一行的结果;如果再次失败,请联系平台管理员。"
)
NOT_PERMITTED = gettext_noop("已无导入指令的权限,后台任务已停止;已提交的分组见下方结果。")
REFUSED_ON_SUBMIT = gettext_noop("提交前再次检查时发现有误的行,未提交任何分组。请查看有误的行,或仅提交有效分组。")
NOTHING_TO_SUBMIT = gettext_noop("提交前再次检查时没有可提交的分组,未提交任何指令。")


class Lost(Exception):
    """Another worker took the import over (our lease ran out): this chunk is rolled back."""


def _claimable(now: datetime) -> Q:
    return Q(status__in=[State.CHECKING, State.SUBMITTING]) & (Q(leased_until__isnull=True) | Q(leased_until__lt=now))


def claim(*, now: datetime | None = None) -> InstructionImport | None:
    """The oldest import waiting for the worker, taken with a conditional update: two workers never hold one."""
    now = now or timezone.now()
    for pk in InstructionImport.objects.filter(_claimable(now)).order_by("id").values_list("pk", flat=True)[:5]:
        if InstructionImport.objects.filter(_claimable(now), pk=pk).update(leased_until=now + LEASE):
            return InstructionImport.objects.select_related("user", "submitter").get(pk=pk)
    return None


def _raw(rows: list[dict]) -> list[dict]:
    return [{"line": r["line"], "values": r["values"]} for r in rows]


def check(job: InstructionImport) -> None:
    """The whole plan at once (its queries do not grow with the rows), reporting rows checked as it goes."""
    def progress(rows: int) -> None:
        InstructionImport.objects.filter(pk=job.pk, status=State.CHECKING).update(
            progress=rows, leased_until=timezone.now() + LEASE
        )

    planned = services.plan(actor=actor_for(job.user), rows=_raw(job.rows), progress=progress)
    fields = {"rows": planned.rows, "groups": [g.as_json() for g in planned.groups], "leased_until": None}
    if job.submit_requested:  # the API's dry_run=false: the submission starts (with its own check) next call
        fields |= {"status": State.SUBMITTING, "progress": 0, "total": 0}
    else:
        fields |= {"status": State.PLANNED, "progress": len(planned.rows), "total": len(planned.rows)}
    InstructionImport.objects.filter(pk=job.pk, status=State.CHECKING).update(**fields)


def _start_submission(job: InstructionImport) -> None:
    """Check the rows again now (as `services.submit` does) and keep that plan for the chunks; give the import back
    as planned, with the reason, when rows are refused and not only the valid groups were asked for."""
    planned = services.plan(actor=actor_for(job.submitter or job.user), rows=_raw(job.rows))
    fields = {"rows": planned.rows, "groups": [g.as_json() for g in planned.groups], "leased_until": None}
    reason = REFUSED_ON_SUBMIT if planned.refused and not job.only_valid else "" if planned.groups else NOTHING_TO_SUBMIT
    if reason:
        fields |= {"status": State.PLANNED, "error": reason, "progress": len(planned.rows), "total": len(planned.rows),
                   "submitter": None, "submit_requested": False}
    else:
        fields |= {"progress": 0, "total": len(planned.groups)}
    InstructionImport.objects.filter(pk=job.pk, status=State.SUBMITTING, total=0).update(**fields)


def _chunk(groups: list) -> list:
    chunk, orders = [], 0
    for group in groups:
        if chunk and (len(chunk) >= GROUPS_PER_CALL or orders + len(group.rows) > ORDERS_PER_CALL):
            break
        chunk.append(group)
        orders += len(group.rows)
    return chunk


def submit_chunk(job: InstructionImport) -> None:
    """The next groups, each all or nothing through the dialogs' services, recorded with them in one transaction."""
    actor = actor_for(job.submitter or job.user)
    services.check_may_import(actor)
    groups = services.groups_from_rows(job.rows, job.groups)
    chunk = _chunk(groups[job.progress:])
    codes = list(job.sealed_codes.get("codes", []))
    with transaction.atomic():
        for group in chunk:
            try:
                written = services.write_group(actor, group)
            except Refused:
                continue  # its rows say why; the other groups stand
            codes += sealed_codes(written)
        done = job.progress + len(chunk)
        fields = {"rows": job.rows, "progress": done, "leased_until": None}
        if codes:
            fields["sealed_codes"] = {"codes": codes, "until": time.time() + KEEP_SECONDS}
        if done >= len(groups):
            for row in job.rows:
                if row["problems"]:
                    row["outcome"] = services.Outcome.REFUSED
            fields |= {"status": State.SUBMITTED, "submitted_at": timezone.now()}
        if not InstructionImport.objects.filter(pk=job.pk, status=State.SUBMITTING, progress=job.progress).update(**fields):
            raise Lost


def run(job: InstructionImport) -> None:
    """One step of the import, as its uploader reads it (language, time zone)."""
    zone = zoneinfo.ZoneInfo(job.time_zone or settings.TIME_ZONE)
    with translation.override(job.language or settings.LANGUAGE_CODE), timezone.override(zone):
        if job.status == State.CHECKING:
            check(job)
        elif job.total == 0:
            _start_submission(job)
        else:
            submit_chunk(job)


def run_next_import() -> bool:
    """One step of the oldest waiting import, if any; returns whether there was one. A failure ends the import as
    failed with its reason, never half a group (each is its own transaction, inside the chunk's)."""
    job = claim()
    if job is None:
        return False
    try:
        run(job)
    except Lost:
        log.warning("instruction import %s: taken over by another worker", job.pk)
    except Exception as error:
        if isinstance(error, Refused):
            reason = NOT_PERMITTED
        else:
            log.exception("instruction import %s failed", job.pk)
            reason = FAILED_CHECKING if job.status == State.CHECKING else FAILED_SUBMITTING
        InstructionImport.objects.filter(pk=job.pk, status=job.status).update(
            status=State.FAILED, error=reason, leased_until=None
        )
    return True


__all__ = ["claim", "forget_expired_codes", "run_next_import"]
