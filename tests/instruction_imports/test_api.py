"""POST /api/v1/instruction-imports (multipart, dry_run) and GET /api/v1/instruction-imports/{id}."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parcelback.instruction_imports.models import InstructionImport
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot, assert_error
from .helpers import csv_file, forward, self_pickup

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world):
    make = ReverseOrderFactory
    return {
        "t1": make(shop=world.shop1, warehouse=world.wh_a1, number="RV1"),
        "t2": make(shop=world.shop1, warehouse=world.wh_a1, number="RV2"),
        "d1": make(shop=world.shop1, warehouse=world.wh_a1, number="RV3", reverse_type=ReverseType.CUSTOMS_DESTROY),
        "other": make(shop=world.shop2, warehouse=world.wh_a1, number="RV6"),
    }


def send(client, rows, headers=None, **fields):
    upload = SimpleUploadedFile("指令.csv", csv_file(rows), content_type="text/csv")
    return client.post_multipart("/instruction-imports", {"file": upload, **fields}, headers=headers)


GOOD = [{"number": "RV1", **self_pickup()}, {"number": "RV2", **self_pickup()}, {"number": "RV3", "method": "销毁"}]


def test_dry_run_answers_the_plan_and_writes_no_instruction(api, world, orders):
    client = api(world.merchant1)
    before = api_snapshot("RV1", "RV2", "RV3")
    response = send(client, GOOD + [{"number": "RV6", **forward()}], dry_run="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "planned"
    assert [(g["method"], g["warehouse"], g["orders"]) for g in body["groups"]] == [
        ("self_pickup", {"code": "tokyo", "name": "东京集货仓"}, ["RV1", "RV2"]), ("destroy", None, ["RV3"]),
    ]
    assert [(r["line"], r["order"], r["problems"], r["group"]) for r in body["rows"]] == [
        (2, "RV1", {}, 1), (3, "RV2", {}, 1), (4, "RV3", {}, 2), (5, "RV6", {"number": "not_found"}, None),
    ]
    assert api_snapshot("RV1", "RV2", "RV3") == before
    again = client.get(f"/instruction-imports/{body['id']}")
    assert again.status_code == 200 and again.json()["rows"] == body["rows"]


def test_submission_answers_each_groups_pickup_code_once(api, world, orders):
    client = api(world.merchant1)
    response = send(client, GOOD, dry_run="false")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    [code] = body["pickup_codes"]
    assert code["group"] == 1 and code["orders"] == ["RV1", "RV2"] and len(code["pickup_code"]) == 8
    assert [r["outcome"] for r in body["rows"]] == ["registered", "registered", "destruction_confirmed"]
    assert ReverseOrder.objects.get(number="RV3").status == Status.AWAITING_DESTRUCTION
    again = client.get(f"/instruction-imports/{body['id']}").json()
    assert again["pickup_codes"] == [] and code["pickup_code"] not in str(again)


def test_submission_with_a_refused_row_writes_nothing_unless_only_valid(api, world, orders):
    client = api(world.merchant1)
    rows = GOOD + [{"number": "RV6", **forward()}]
    before = api_snapshot("RV1", "RV2", "RV3")
    assert_error(send(client, rows, dry_run="false"), 409, "batch_refused", refused=[("RV6", "not_found")])
    assert api_snapshot("RV1", "RV2", "RV3") == before
    response = send(client, rows, dry_run="false", only_valid="true")
    assert response.status_code == 201
    assert [r["outcome"] for r in response.json()["rows"]] == ["registered", "registered", "destruction_confirmed", "refused"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"PK\x03\x04 broken", "unreadable_file"), ("外部单号\nA1\n".encode(), "unreadable_file"), (b"\xff\xfe\x81", "unreadable_file")],
)
def test_a_bad_file_is_one_400_and_nothing_recorded(api, world, orders, content, problem):
    upload = SimpleUploadedFile("x.xlsx", content)
    body = assert_error(api(world.merchant1).post_multipart("/instruction-imports", {"file": upload}), 400, "invalid", field="file")
    assert body["errors"] == {"file": problem}
    assert InstructionImport.objects.count() == 0


def test_bad_input_is_400_in_the_error_shape(api, world, orders):
    client = api(world.merchant1)
    assert_error(client.post_multipart("/instruction-imports", {}), 400, "invalid")
    assert_error(send(client, GOOD, dry_run="perhaps"), 400, "invalid")
    assert_error(client.get("/instruction-imports/999999999999999999999"), 404, "not_found")
    assert_error(client.get("/instruction-imports/99999"), 404, "not_found")


@pytest.mark.parametrize("who", ["viewer1", "provider1"])
def test_only_merchant_operators_import(api, world, orders, who):
    assert_error(send(api(getattr(world, who)), GOOD), 403, "not_permitted")
    assert InstructionImport.objects.count() == 0


def test_another_shops_import_is_404(api, world, orders):
    body = send(api(world.merchant1), GOOD).json()
    assert_error(api(world.merchant2).get(f"/instruction-imports/{body['id']}"), 404, "not_found")


def test_a_retried_submission_with_its_idempotency_key_replays_the_first_answer(api, world, orders):
    client = api(world.merchant1)
    headers = {"Idempotency-Key": "import-1"}
    first = send(client, GOOD, dry_run="false", headers=headers)
    again = send(client, GOOD, dry_run="false", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert InstructionImport.objects.count() == 1
