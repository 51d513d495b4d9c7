"""Large exports as worker jobs: above the threshold the export button offers a job, the worker writes the file
into storage as the requester, the progress page offers the download; smaller exports still stream."""
import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from parcelback.reverse_orders import jobs
from parcelback.reverse_orders.models import ExportJob, ReverseType

from ..factories import ReverseOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.PARCELBACK_EXPORT_STREAM_MAX = 2
    settings.MEDIA_ROOT = tmp_path


def client_for(client, actor):
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


@pytest.fixture
def orders(world):
    mine = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]
    destroy = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1)  # another shop's: never in shop1's file
    return mine + [destroy]


def test_small_export_still_streams(client, world, orders):
    response = client_for(client, world.merchant1).get("/orders/export.csv", {"reverse_type": "customs_destroy"})
    assert response.streaming and ExportJob.objects.count() == 0


def test_large_export_is_offered_as_a_job_and_a_get_starts_nothing(client, world, orders):
    response = client_for(client, world.merchant1).get("/orders/export.csv", {"tab": "all"})
    html = response.content.decode()
    assert response.status_code == 200 and "共 4 条" in html and 'action="/orders/exports/"' in html
    assert ExportJob.objects.count() == 0


def test_job_runs_as_the_requester_and_offers_the_download(client, world, orders):
    client_for(client, world.viewer1)  # a viewer may export
    response = client.post("/orders/exports/", {"fmt": "csv", "params": "tab=all&ordering=created"})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/orders/exports/{job.pk}/"
    assert (job.user_id, job.fmt, job.total, job.state, job.language) == (world.viewer1.user_id, "csv", 4, "pending", "zh-hans")
    waiting = client.get(f"/orders/exports/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting and "排队中" in waiting
    assert client.get(f"/orders/exports/{job.pk}/download/").status_code == 404  # not yet

    assert jobs.run_next_export() is True
    job.refresh_from_db()
    assert (job.state, job.rows_written) == ("done", 4) and job.finished_at is not None
    done = client.get(f"/orders/exports/{job.pk}/").content.decode()
    assert "http-equiv" not in done and f"/orders/exports/{job.pk}/download/" in done
    download = client.get(f"/orders/exports/{job.pk}/download/")
    assert download["Content-Disposition"].startswith('attachment; filename="reverse-orders-')
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "逆向管理单号"
    assert [row[0] for row in table[1:]] == [o.number for o in orders]  # shop1's only, in the asked order
    assert jobs.run_next_export() is False


def test_finished_export_files_are_deleted_after_the_keep_days(client, world, orders, settings):
    settings.PARCELBACK_EXPORT_KEEP_DAYS = 7
    client_for(client, world.merchant1).post("/orders/exports/", {"fmt": "csv", "params": "tab=all"})
    jobs.run_next_export()
    job = ExportJob.objects.get()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert jobs.expire_exports(now=timezone.now() + timedelta(days=6)) == 0  # kept for a week
    assert jobs.expire_exports(now=timezone.now() + timedelta(days=8)) == 1
    job.refresh_from_db()
    assert (job.state, job.file.name, job.rows_written) == ("expired", "", 4)
    assert not storage.exists(name)
    assert client.get(f"/orders/exports/{job.pk}/download/").status_code == 404
    page = client.get(f"/orders/exports/{job.pk}/").content.decode()
    assert "保留 7 天,已删除" in page and "http-equiv" not in page
    assert jobs.expire_exports(now=timezone.now() + timedelta(days=30)) == 0  # once


def test_xlsx_job_writes_a_workbook(client, world, orders):
    from openpyxl import load_workbook

    client_for(client, world.merchant1).post("/orders/exports/", {"fmt": "xlsx", "params": "tab=all"})
    jobs.run_next_export()
    job = ExportJob.objects.get()
    sheet = load_workbook(job.file.open("rb")).active
    assert {sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)} == {o.number for o in orders}


def test_someone_elses_export_is_not_found(client, world, orders):
    client_for(client, world.merchant1).post("/orders/exports/", {"fmt": "csv", "params": ""})
    jobs.run_next_export()
    job = ExportJob.objects.get()
    for other in (world.viewer1, world.merchant2):
        client_for(client, other)
        assert client.get(f"/orders/exports/{job.pk}/").status_code == 404
        assert client.get(f"/orders/exports/{job.pk}/download/").status_code == 404


def test_unknown_format_is_not_found(client, world, orders):
    assert client_for(client, world.merchant1).post("/orders/exports/", {"fmt": "pdf"}).status_code == 404
    assert ExportJob.objects.count() == 0


def test_a_claimed_job_is_not_run_twice_until_its_lease_runs_out(world):
    job = ExportJob.objects.create(user_id=world.merchant1.user_id, fmt="csv", language="en", time_zone="UTC")
    assert jobs.claim_export().pk == job.pk
    assert jobs.claim_export() is None
    later = timezone.now() + jobs.EXPORT_LEASE + jobs.EXPORT_LEASE
    assert jobs.claim_export(now=later).pk == job.pk  # its worker died: another takes it up


def test_the_worker_command_runs_waiting_exports(world, orders, monkeypatch):
    from parcelback.worker import loop

    monkeypatch.setattr(loop, "close_old_connections", lambda: None)  # it would close the test's transaction
    ExportJob.objects.create(user_id=world.merchant1.user_id, fmt="csv", total=4, language="en", time_zone="UTC")
    call_command("worker", "--once", "--concurrency", "1", stdout=io.StringIO())
    job = ExportJob.objects.get()
    assert job.state == "done"
    header = job.file.open("rb").read().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Reverse order no.,Sales return no.")  # in the requester's language


def test_export_rows_leave_no_orders_to_the_cyclic_collector(world, orders):
    """Exported orders are freed by reference counting as they are written: left to the cyclic collector (which
    runs seldom), a long export would pile up every chunk it has read (an order and its prefetched lines)."""
    import gc

    from parcelback.reverse_orders import exports, selectors
    from parcelback.reverse_orders.models import OrderLine, ReverseOrder

    queryset = selectors.order_list(actor=world.merchant1, params={}).qs
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds unreachable lands in gc.garbage
    try:
        written = sum(1 for _row in exports.rows(queryset))
        gc.collect()
        cyclic = [o for o in gc.garbage if isinstance(o, (ReverseOrder, OrderLine))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert written == 4
    assert cyclic == []
