"""POST /api/v1/execution-acceptances and a dispute's resolution through the API: the same rules as the services,
answered with stable codes; a refusal writes nothing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import AcceptanceState, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot, assert_error

pytestmark = pytest.mark.django_db
DISPUTE = {"type": "not_received", "description": "收件人说没有收到转寄包裹"}


@pytest.fixture
def forwarded(world):
    return [
        ReverseOrderFactory(
            shop=world.shop1, warehouse=world.wh_a1, status=Status.FORWARDED, pickup_method="forward",
            executed_at=timezone.now() - timedelta(days=1), acceptance_state=AcceptanceState.PENDING,
        )
        for _ in range(2)
    ]


def test_merchant_accepts_a_batch_and_reads_the_answer(api, world, forwarded):
    numbers = [o.number for o in forwarded]
    response = api(world.merchant1).post("/execution-acceptances", {"orders": numbers, "result": "accepted"})
    assert response.status_code == 201 and response.json() == {"orders": numbers}
    detail = api(world.merchant1).get(f"/reverse-orders/{numbers[0]}").json()
    assert detail["acceptance_state"] == "accepted" and detail["available_actions"] == []
    assert detail["acceptance"] | {"created_at": None} == {
        "result": "accepted", "automatic": False, "dispute_type": None, "description": "", "exception_id": None,
        "answered_by": "merchant1", "created_at": None,
    }
    listed = api(world.merchant1).get("/reverse-orders", {"numbers": numbers[1]}).json()["results"]
    assert listed[0]["acceptance_state"] == "accepted"


def test_a_dispute_is_answered_in_its_thread_and_resolved_with_compensation(api, world, forwarded):
    number = forwarded[0].number
    assert api(world.merchant1).post("/execution-acceptances", {"orders": [number], "result": "disputed", "dispute": DISPUTE}).status_code == 201
    detail = api(world.provider1).get(f"/reverse-orders/{number}").json()
    assert (detail["acceptance_state"], detail["exception_state"]) == ("disputed", "pending")
    exception_id = detail["acceptance"]["exception_id"]
    assert [e["type"] for e in detail["exceptions"]] == ["execution_disputed"]
    comment = api(world.provider1).post(f"/reverse-orders/{number}/exceptions/{exception_id}/comments", {"body": "附签收单"})
    assert comment.status_code == 201
    without = api(world.provider1).post(f"/reverse-orders/{number}/exceptions/{exception_id}/resolve", {"note": "x"})
    assert_error(without, 400, "invalid", field="outcome")
    body = {"note": "赔付货值", "outcome": "compensated", "compensation_amount": "88.00", "compensation_currency": "JPY"}
    resolved = api(world.merchant1).post(f"/reverse-orders/{number}/exceptions/{exception_id}/resolve", body)
    assert resolved.status_code == 200, resolved.content
    assert {k: resolved.json()[k] for k in ("outcome", "compensation_amount", "compensation_currency", "is_open")} == {
        "outcome": "compensated", "compensation_amount": "88.00", "compensation_currency": "JPY", "is_open": False
    }


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"result": "disputed"}, 400, "invalid", "dispute"),
        ({"result": "accepted", "dispute": DISPUTE}, 400, "invalid", "dispute"),
        ({"result": "yes"}, 400, "invalid", "result"),
        ({"result": "disputed", "dispute": {"type": "evidence", "description": " "}}, 400, "invalid", "dispute.description"),
        ({"result": "disputed", "dispute": {"type": "evidence"}}, 400, "invalid", None),
    ],
)
def test_malformed_answers_are_refused_and_write_nothing(api, world, forwarded, body, status, code, field):
    numbers = [o.number for o in forwarded]
    before = api_snapshot(*numbers)
    response = api(world.merchant1).post("/execution-acceptances", {"orders": numbers, **body})
    assert_error(response, status, code, field=field)
    assert api_snapshot(*numbers) == before


def test_second_answer_other_shop_viewer_and_provider_are_refused(api, world, forwarded):
    numbers = [o.number for o in forwarded]
    api(world.merchant1).post("/execution-acceptances", {"orders": numbers[:1], "result": "accepted"})
    before = api_snapshot(*numbers)
    again = api(world.merchant1).post("/execution-acceptances", {"orders": numbers, "result": "accepted"})
    assert_error(again, 409, "batch_refused", refused=[(numbers[0], "already_answered")])
    assert_error(api(world.merchant2).post("/execution-acceptances", {"orders": numbers[1:], "result": "accepted"}), 404, "not_found")
    assert_error(api(world.viewer1).post("/execution-acceptances", {"orders": numbers[1:], "result": "accepted"}), 403, "not_permitted")
    assert_error(api(world.provider1).post("/execution-acceptances", {"orders": numbers[1:], "result": "accepted"}), 403, "not_permitted")
    assert api_snapshot(*numbers) == before


def test_merchant_raises_an_exception_on_an_open_order_through_the_api(api, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN, arrived_at=None)
    response = api(world.merchant1).post(f"/reverse-orders/{order.number}/exceptions", {"type": "not_arrived", "description": "10 天未到仓"})
    assert response.status_code == 201 and response.json()["type"] == "not_arrived"


def test_a_reply_with_evidence_files_through_the_api(api, world, forwarded, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parcelback.reverse_orders.management.commands.demo import tiny_png

    settings.MEDIA_ROOT = tmp_path
    number = forwarded[0].number
    api(world.merchant1).post("/execution-acceptances", {"orders": [number], "result": "disputed", "dispute": DISPUTE})
    exception_id = api(world.provider1).get(f"/reverse-orders/{number}").json()["acceptance"]["exception_id"]
    url = f"/reverse-orders/{number}/exceptions/{exception_id}/evidence"
    photo = SimpleUploadedFile("signed.png", tiny_png(), content_type="image/png")
    reply = api(world.provider1).post_multipart(url, {"body": "签收单见附件", "files": [photo]})
    assert reply.status_code == 201, reply.content
    assert [(f["content_type"], f["size"]) for f in reply.json()["files"]] == [("image/png", len(tiny_png()))]
    thread = api(world.merchant1).get(f"/reverse-orders/{number}").json()["exceptions"][0]["comments"]
    assert thread[0]["body"] == "签收单见附件" and thread[0]["files"][0]["content_type"] == "image/png"
    before = api_snapshot(number)
    bad = api(world.provider1).post_multipart(url, {"body": "x", "files": [SimpleUploadedFile("a.png", b"MZ", content_type="image/png")]})
    assert_error(bad, 400, "invalid", field="files")
    extra = api(world.provider1).post_multipart(url, {"body": "x", "note": "y", "files": [photo]})
    assert_error(extra, 400, "invalid", field="note")
    assert api_snapshot(number) == before
