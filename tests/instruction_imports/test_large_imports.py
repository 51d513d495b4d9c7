"""Large files (above PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS rows, lowered to 3 here) are checked and submitted by
the worker with progress: upload → checking → planned, submit → submitting → submitted, pickup codes shown once;
claiming is race-safe and a dead worker's import is taken up again; failures end as failed, never half a group."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcelback.instruction_imports import jobs, services
from parcelback.instruction_imports.models import InstructionImport
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import client_for
from .helpers import csv_file, rows_of, self_pickup

pytestmark = pytest.mark.django_db
State = InstructionImport.Status


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS = 3


@pytest.fixture
def orders(world):
    make = ReverseOrderFactory
    found = {f"RV{i}": make(shop=world.shop1, warehouse=world.wh_a1, number=f"RV{i}") for i in range(1, 5)}
    found["RV5"] = make(shop=world.shop1, warehouse=world.wh_a1, number="RV5", reverse_type=ReverseType.CUSTOMS_DESTROY)
    return found


ROWS = [{"number": f"RV{i}", **self_pickup()} for i in range(1, 5)] + [{"number": "RV5", "method": "销毁"}]


def upload(client, content, name="指令.csv"):
    return client.post("/orders/instructions/imports/", {"file": SimpleUploadedFile(name, content)})


def work() -> int:
    """Run the worker's import job until it has nothing left; how many steps it took."""
    steps = 0
    while jobs.run_next_import():
        steps += 1
        assert steps < 50
    return steps


def test_upload_is_checked_by_the_worker_with_progress_then_planned(client, world, orders):
    response = upload(client_for(client, world.merchant1), csv_file(ROWS))
    record = InstructionImport.objects.get()
    assert response.status_code == 302 and record.status == State.CHECKING and record.total == 5
    page = client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "<progress" in page and "已检查 0 / 5 行" in page
    assert work() == 1
    record.refresh_from_db()
    assert record.status == State.PLANNED and (record.progress, record.total) == (5, 5)
    assert [g["orders"] for g in record.groups] == [["RV1", "RV2", "RV3", "RV4"], ["RV5"]]
    page = client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert "<progress" not in page and "refresh" not in page and "全部提交" in page


def test_submission_runs_in_the_worker_and_shows_the_codes_once(client, world, orders, monkeypatch):
    monkeypatch.setattr(jobs, "GROUPS_PER_CALL", 1)
    upload(client_for(client, world.merchant1), csv_file(ROWS))
    work()
    record = InstructionImport.objects.get()
    assert client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "all"}).status_code == 302
    record.refresh_from_db()
    assert record.status == State.SUBMITTING and record.submitter_id == world.merchant1.user_id
    assert "<progress" in client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_INSTRUCTION  # nothing written yet
    assert work() == 3  # the check again, then one group per call
    record.refresh_from_db()
    assert record.status == State.SUBMITTED and (record.progress, record.total) == (2, 2) and record.submitted_at
    assert [r["outcome"] for r in record.rows] == ["registered"] * 4 + ["destruction_confirmed"]
    assert ReverseOrder.objects.get(number="RV5").status == Status.AWAITING_DESTRUCTION
    [kept] = record.sealed_codes["codes"]
    assert kept["numbers"] == ["RV1", "RV2", "RV3", "RV4"] and len(kept["sealed"]) > 50  # sealed, not the code
    # The submitter sees them once.
    page = client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert "import-codes" in page
    assert "import-codes" not in client.get(f"/orders/instructions/{record.pk}/").content.decode()
    record.refresh_from_db()
    assert record.sealed_codes == {}


def test_codes_nobody_came_to_see_are_forgotten(api, world, orders):
    record = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows(), submit=True)
    work()
    record.refresh_from_db()
    assert record.status == State.SUBMITTED and record.sealed_codes["codes"]
    assert jobs.forget_expired_codes() == 0  # still within its 10 minutes
    InstructionImport.objects.filter(pk=record.pk).update(sealed_codes=record.sealed_codes | {"until": 1})
    assert jobs.forget_expired_codes() == 1
    record.refresh_from_db()
    assert record.sealed_codes == {}
    assert api(world.merchant1).get(f"/instruction-imports/{record.pk}").json()["pickup_codes"] == []


def test_a_stale_lease_is_claimed_again_and_a_live_one_is_not(world, orders):
    rows = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows())
    now = timezone.now()
    assert jobs.claim(now=now).pk == rows.pk
    assert jobs.claim(now=now) is None  # leased: nobody else takes it
    assert jobs.claim(now=now + jobs.LEASE + timedelta(seconds=1)).pk == rows.pk  # its worker died: taken up again


def test_two_claimers_one_wins(world, orders):
    record = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows())
    now = timezone.now()
    # Both saw it waiting; the conditional update lets only the first take it.
    first = InstructionImport.objects.filter(jobs._claimable(now), pk=record.pk).update(leased_until=now + jobs.LEASE)
    second = InstructionImport.objects.filter(jobs._claimable(now), pk=record.pk).update(leased_until=now + jobs.LEASE)
    assert (first, second) == (1, 0)


def test_a_chunk_whose_lease_was_lost_is_rolled_back(world, orders):
    record = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows())
    work()
    services.request_submission(actor=world.merchant1, import_id=record.pk, only_valid=False)
    jobs.run_next_import()  # the check again
    job = jobs.claim()
    InstructionImport.objects.filter(pk=record.pk).update(progress=1)  # another worker wrote meanwhile
    with pytest.raises(jobs.Lost):
        jobs.submit_chunk(job)
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_INSTRUCTION


def test_a_failure_marks_the_import_failed_with_its_reason(client, api, world, orders, monkeypatch):
    record = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows())

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "plan", broken)
    assert jobs.run_next_import()
    record.refresh_from_db()
    assert record.status == State.FAILED and record.error == jobs.FAILED_CHECKING and record.leased_until is None
    page = client_for(client, world.merchant1).get(f"/orders/instructions/{record.pk}/")
    assert page.status_code == 200 and "后台检查失败" in page.content.decode()
    assert client.get(f"/orders/instructions/{record.pk}/result.xlsx").status_code == 200
    assert not jobs.run_next_import()
    body = api(world.merchant1).get(f"/instruction-imports/{record.pk}").json()
    assert body["status"] == "failed" and body["error"].startswith("后台检查失败") and body["rows"][0]["outcome"] == ""


def test_rows_refused_at_submission_give_the_import_back(world, orders):
    record = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows())
    work()
    ReverseOrder.objects.filter(number="RV2").update(status=Status.AWAITING_PICKUP)  # someone acted first
    services.request_submission(actor=world.merchant1, import_id=record.pk, only_valid=False)
    work()
    record.refresh_from_db()
    assert record.status == State.PLANNED and record.error == jobs.REFUSED_ON_SUBMIT
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_INSTRUCTION
    services.request_submission(actor=world.merchant1, import_id=record.pk, only_valid=True)
    work()
    record.refresh_from_db()
    assert record.status == State.SUBMITTED
    assert [r["outcome"] for r in record.rows] == ["registered", "refused", "registered", "registered", "destruction_confirmed"]


def test_another_shop_sees_nothing(client, world, orders):
    record = services.upload(actor=world.merchant1, file_name="a.csv", rows=_rows())
    client_for(client, world.merchant2)
    assert client.get(f"/orders/instructions/{record.pk}/").status_code == 404
    assert client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "all"}).status_code == 404


def test_the_api_answers_202_and_submits_after_checking(api, world, orders):
    client = api(world.merchant1)
    upload_file = SimpleUploadedFile("指令.csv", csv_file(ROWS), content_type="text/csv")
    response = client.post_multipart("/instruction-imports", {"file": upload_file, "dry_run": "false"})
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["total"], body["progress"]) == ("checking", 5, 0) and body["rows"][0]["problems"] == {}
    assert api(world.merchant2).get(f"/instruction-imports/{body['id']}").status_code == 404
    work()
    done = client.get(f"/instruction-imports/{body['id']}").json()
    assert done["status"] == "submitted" and len(done["pickup_codes"]) == 1
    assert done["pickup_codes"][0]["orders"] == ["RV1", "RV2", "RV3", "RV4"]
    assert client.get(f"/instruction-imports/{body['id']}").json()["pickup_codes"] == []  # once


def test_a_real_1001_row_file_goes_to_the_worker(client, world, settings):
    settings.PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS = 1000
    content = ("逆向管理单号,处理方式\n" + "".join(f"RX{i},\n" for i in range(1001))).encode()
    upload(client_for(client, world.merchant1), content)
    record = InstructionImport.objects.get()
    assert record.status == State.CHECKING and record.total == 1001
    work()
    record.refresh_from_db()
    assert record.status == State.PLANNED and record.progress == 1001
    assert {r["outcome"] for r in record.rows} == {"skipped"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (("逆向管理单号,处理方式\n" + "RV1,自提\n" * 10_001).encode(), "行数过多"),
        (b"x" * (20 * 1024 * 1024 + 1), "文件过大(最多 20 MB)"),
    ],
)
def test_too_many_rows_or_bytes_get_one_message_and_record_nothing(client, world, content, message):
    response = upload(client_for(client, world.merchant1), content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not InstructionImport.objects.exists()


def _rows():
    return rows_of(*[(row["number"], {k: v for k, v in row.items() if k != "number"}) for row in ROWS])
