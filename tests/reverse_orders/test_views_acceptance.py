"""The merchant's answer to an execution in the console (确认处理结果 / 有异议) over the Django test client: on the
detail page, in the batch dialog from the list, the dispute's thread resolved with an outcome, and where the
provider finds open disputes (the work queue's 有异议 tab)."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from parcelback.core.errors import MESSAGES, PROBLEMS, Code
from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import (
    AcceptanceState,
    DisputeOutcome,
    ExceptionState,
    ExecutionAcceptance,
    OrderException,
    ReverseType,
    Status,
)

from ..factories import ReverseOrderFactory
from ..helpers import client_for, nothing_written

pytestmark = pytest.mark.django_db

DisputeType = ExecutionAcceptance.DisputeType


def text(code: Code) -> str:
    return escape(str(MESSAGES[code]))


def executed(world, n=1, *, shop=None, days_ago=1):
    """Orders the warehouse destroyed `days_ago` days ago, waiting for the merchant's answer."""
    return [
        ReverseOrderFactory(
            shop=shop or world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY,
            status=Status.DESTROYED, executed_at=timezone.now() - timedelta(days=days_ago),
            acceptance_state=AcceptanceState.PENDING,
        )
        for _ in range(n)
    ]


def disputed(world):
    (order,) = executed(world)
    services.answer_executions(
        actor=world.merchant1, numbers=[order.number], result="disputed",
        dispute=services.Dispute(DisputeType.NOT_RECEIVED, "收件人说没有收到包裹"),
    )
    return order, OrderException.objects.get(order=order)


def detail(client, order) -> str:
    return client.get(f"/orders/{order.number}/").content.decode()


# --- the detail page --------------------------------------------------------------------------------


def test_merchant_confirms_the_execution_on_the_detail_page(client, world):
    (order,) = executed(world)
    client_for(client, world.merchant1)
    html = detail(client, order)
    assert f'action="/orders/{order.number}/acceptance/"' in html and "提交异议" in html
    assert all(f'<option value="{value}">{label}</option>' in html for value, label in DisputeType.choices)
    response = client.post(f"/orders/{order.number}/acceptance/")
    assert response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.acceptance_state == AcceptanceState.ACCEPTED
    assert (order.acceptance.result, order.acceptance.answered_by_id) == ("accepted", world.merchant1.user_id)
    html = detail(client, order)
    assert "已确认处理结果" in html  # the message after the redirect
    assert "<dd><span class=\"tag\">已确认</span></dd>" in html and "<dd>merchant1</dd>" in html
    assert f'action="/orders/{order.number}/acceptance/"' not in html and "提交异议" not in html


def test_an_automatic_acceptance_says_so(client, world):
    (order,) = executed(world, days_ago=30)
    services.accept_unanswered()
    html = detail(client_for(client, world.merchant1), order)
    assert "系统自动确认" in html and "<dd>系统</dd>" in html


def test_merchant_disputes_with_a_type_and_a_description(client, world):
    (order,) = executed(world)
    client_for(client, world.merchant1)
    response = client.post(
        f"/orders/{order.number}/acceptance/dispute/", {"type": DisputeType.EVIDENCE, "description": "销毁照片看不清单号"}
    )
    assert response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert (order.acceptance_state, order.exception_state) == (AcceptanceState.DISPUTED, ExceptionState.PENDING)
    assert (order.acceptance.dispute_type, order.acceptance.description) == (DisputeType.EVIDENCE, "销毁照片看不清单号")
    html = detail(client, order)
    assert "已提交异议" in html
    assert "<dd>凭证缺失或不清晰</dd>" in html and "<dd>销毁照片看不清单号</dd>" in html
    assert "处理结果有异议" in html  # the exception it opened, in the thread
    assert f'action="/orders/{order.number}/acceptance/"' not in html


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"type": "evidence", "description": "  "}, "description", PROBLEMS["required"]),
        ({"type": "", "description": "看不清"}, "type", PROBLEMS["required"]),
        ({"type": "nope", "description": "看不清"}, "type", None),
        ({"type": "other", "description": "长" * 2001}, "description", None),
    ],
)
def test_a_dispute_missing_its_type_or_description_is_shown_at_the_field_and_writes_nothing(
    client, world, post, field, message
):
    (order,) = executed(world)
    client_for(client, world.merchant1)
    with nothing_written():
        response = client.post(f"/orders/{order.number}/acceptance/dispute/", post)
    assert response.status_code == 400
    html = response.content.decode()
    form = html.split('id="dispute-form"')[1].split("</form>")[0]
    row = form.split(f'for="id_{field}"')[1].split('<div class="row')[0]
    assert 'class="error-text"' in row
    if message:
        assert str(message) in row
    assert "<details class=\"action\" open><summary>有异议</summary>" in html  # the form stays open


def test_a_second_answer_is_refused_on_the_page_and_writes_nothing(client, world):
    (order,) = executed(world)
    services.answer_executions(actor=world.merchant1, numbers=[order.number], result="accepted")
    client_for(client, world.merchant1)
    with nothing_written():
        response = client.post(f"/orders/{order.number}/acceptance/dispute/", {"type": "other", "description": "x"})
    assert response.status_code == 409
    assert f'<div class="alert error" role="alert">{text(Code.ALREADY_ANSWERED)}</div>' in response.content.decode()


def test_viewer_sees_no_answer_buttons_and_cannot_answer(client, world):
    (order,) = executed(world)
    client_for(client, world.viewer1)
    html = detail(client, order)
    assert "服务商已完成处理" in html  # the viewer sees that an answer is awaited
    assert "/acceptance/" not in html and "提交异议" not in html
    with nothing_written():
        assert client.post(f"/orders/{order.number}/acceptance/").status_code == 403


def test_another_shops_order_is_not_found(client, world):
    (order,) = executed(world, shop=world.shop2)
    client_for(client, world.merchant1)
    with nothing_written():
        assert client.get(f"/orders/{order.number}/").status_code == 404
        assert client.post(f"/orders/{order.number}/acceptance/").status_code == 404
        dispute = {"type": "other", "description": "x"}
        assert client.post(f"/orders/{order.number}/acceptance/dispute/", dispute).status_code == 404
        assert client.get("/orders/batch/accept/", {"numbers": order.number}).content.decode().count(text(Code.NOT_FOUND)) == 1


# --- the dispute's thread ----------------------------------------------------------------------------


def test_provider_resolves_a_dispute_with_compensation_and_the_merchant_sees_the_outcome(client, world):
    order, exception = disputed(world)
    client_for(client, world.provider1)
    html = detail(client, order)
    form = html.split(f'action="/orders/{order.number}/exceptions/{exception.pk}/resolve/"')[1].split("</form>")[0]
    assert 'name="outcome"' in form and 'name="compensation_amount"' in form and 'name="compensation_currency"' in form
    assert all(f'<option value="{value}">{label}</option>' in form for value, label in DisputeOutcome.choices)
    url = f"/orders/{order.number}/exceptions/{exception.pk}/resolve/"
    body = {"note": "赔付货值", "outcome": "compensated", "compensation_amount": "88.50", "compensation_currency": "JPY"}
    assert client.post(url, body)["Location"] == f"/orders/{order.number}/"
    exception.refresh_from_db()
    assert (exception.is_open, exception.outcome, str(exception.compensation_amount), exception.compensation_currency) == (
        False, "compensated", "88.50", "JPY"
    )
    html = detail(client_for(client, world.merchant1), order)
    assert "处理结论:已赔付" in html and '<span class="mono">88.50 JPY</span>' in html and "赔付货值" in html


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"note": "已核实"}, "outcome", "required"),
        ({"note": "已核实", "outcome": "upheld", "compensation_amount": "10"}, "compensation_amount", "only_for_compensation"),
        ({"note": "已核实", "outcome": "compensated", "compensation_amount": "-1", "compensation_currency": "JPY"},
         "compensation_amount", "invalid_amount"),
        ({"note": "已核实", "outcome": "compensated", "compensation_amount": "5", "compensation_currency": "jpy"},
         "compensation_currency", "invalid_currency"),
        ({"note": "已核实", "outcome": "compensated", "compensation_amount": "1e30", "compensation_currency": "JPY"},
         "compensation_amount", None),  # beyond the column: the form's own message
        ({"note": "已核实", "outcome": "compensated", "compensation_amount": "NaN", "compensation_currency": "JPY"},
         "compensation_amount", None),
    ],
)
def test_a_dispute_needs_its_outcome_shown_at_the_field_and_nothing_is_written(client, world, body, field, problem):
    order, exception = disputed(world)
    client_for(client, world.provider1)
    with nothing_written():
        response = client.post(f"/orders/{order.number}/exceptions/{exception.pk}/resolve/", body)
    assert response.status_code == 400
    row = response.content.decode().split(f'for="id_{field}"')[1].split('<div class="row')[0]
    assert '<p class="error-text" role="alert">' in row
    if problem:
        assert f'<p class="error-text" role="alert">{escape(str(PROBLEMS[problem]))}</p>' in row


def test_other_exceptions_are_resolved_without_outcome_fields(client, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    exception = services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="外箱破损")
    client_for(client, world.provider1)
    html = detail(client, order)
    assert 'name="note"' in html and 'name="outcome"' not in html and 'name="compensation_amount"' not in html
    client.post(f"/orders/{order.number}/exceptions/{exception.pk}/resolve/", {"note": "内件完好"})
    exception.refresh_from_db()
    assert (exception.is_open, exception.outcome) == (False, "")
    assert "处理结论" not in detail(client, order)


def test_merchant_raises_not_arrived_on_an_open_order(client, world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    client_for(client, world.merchant1)
    html = detail(client, order)
    raise_form = html.split(f'action="/orders/{order.number}/exceptions/"')[1].split("</form>")[0]
    assert '<option value="not_arrived">包裹未到仓</option>' in raise_form
    assert "execution_disputed" not in raise_form  # opened by 有异议 only
    response = client.post(f"/orders/{order.number}/exceptions/", {"type": "not_arrived", "description": "已过 10 天仍未到仓"})
    assert response["Location"] == f"/orders/{order.number}/"
    assert OrderException.objects.get(order=order).type == "not_arrived"


# --- the batch dialog from the list ------------------------------------------------------------------


def test_batch_dialog_shows_the_plan_without_writing(client, world):
    ok = executed(world, 2)
    waiting = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    numbers = [o.number for o in ok] + [waiting.number]
    client_for(client, world.merchant1)
    with nothing_written():
        html = client.get("/orders/batch/accept/", {"numbers": numbers}, HTTP_X_FRAGMENT="1").content.decode()
    assert "<html" not in html
    assert "2 条可确认" in html and "1 条不可确认" in html
    assert f'<li data-code="wrong_status"><span class="mono">{waiting.number}</span> — {text(Code.WRONG_STATUS)}</li>' in html
    assert "移除不可确认的单据,继续确认 2 条" in html
    assert 'name="submit" value="1" class="btn primary" disabled' in html


def test_batch_dialog_confirms_every_order_and_returns_to_the_list(client, world):
    orders = executed(world, 3)
    client_for(client, world.merchant1)
    data = {"numbers": [o.number for o in orders], "back": "acceptance_state=pending", "submit": "1"}
    response = client.post("/orders/batch/accept/", data)
    assert response["Location"] == "/orders/?acceptance_state=pending"
    for order in orders:
        order.refresh_from_db()
        assert order.acceptance_state == AcceptanceState.ACCEPTED
    assert "已确认处理结果 3 条" in client.get(response["Location"]).content.decode()


def test_a_refused_batch_writes_nothing(client, world):
    orders = executed(world, 2)
    services.answer_executions(actor=world.merchant1, numbers=[orders[0].number], result="accepted")
    client_for(client, world.merchant1)
    with nothing_written():
        response = client.post("/orders/batch/accept/", {"numbers": [o.number for o in orders], "submit": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert text(Code.BATCH_REFUSED) in html
    assert f'<li data-code="already_answered"><span class="mono">{orders[0].number}</span>' in html


def test_batch_dialog_takes_every_matching_order(client, world):
    orders = executed(world, 2)
    client_for(client, world.merchant1)
    response = client.post("/orders/batch/accept/", {"select": "filter", "back": "acceptance_state=pending", "submit": "1"})
    assert response.status_code == 302
    assert {o.acceptance_state for o in [type(orders[0]).objects.get(pk=o.pk) for o in orders]} == {AcceptanceState.ACCEPTED}


# --- the list and the work queue ---------------------------------------------------------------------


def test_list_filters_by_acceptance_state_and_links_the_row_action(client, world):
    pending = executed(world, 2)
    (answered,) = executed(world)
    services.answer_executions(actor=world.merchant1, numbers=[answered.number], result="accepted")
    open_order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    client_for(client, world.merchant1)
    html = client.get("/orders/", {"acceptance_state": "pending"}).content.decode()
    listed = html.split("<tbody>")[1]
    assert all(o.number in listed for o in pending)
    assert answered.number not in listed and open_order.number not in listed
    assert '<option value="pending" selected>待确认</option>' in html
    assert f"/orders/batch/accept/?numbers={pending[0].number}" in listed and ">确认处理结果</a>" in listed
    assert "批量确认处理结果" in html


def test_viewer_gets_no_acceptance_buttons_on_the_list(client, world):
    executed(world)
    html = client_for(client, world.viewer1).get("/orders/").content.decode()
    assert "批量确认处理结果" not in html and "batch/accept" not in html


def test_providers_queue_lists_open_disputes_under_their_tab(client, world):
    order, _exception = disputed(world)
    (pending,) = executed(world)
    html = client_for(client, world.provider1).get("/orders/queue/", {"tab": "disputed"}).content.decode()
    assert 'aria-current="page">有异议<span class="count">(1)</span>' in html
    rows = html.split("<tbody>")[1]
    assert f'<a class="mono" href="/orders/{order.number}/">{order.number}</a>' in rows
    assert f'<a href="/orders/{order.number}/">处理</a>' in rows
    assert pending.number not in rows


def test_files_of_a_dispute_and_of_a_reply_are_shown_and_served_to_both_sides_only(client, world, settings, tmp_path):
    from parcelback.reverse_orders.management.commands.demo import tiny_png
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    (order,) = executed(world)
    client_for(client, world.merchant1)
    photo = SimpleUploadedFile("proof.png", tiny_png(), content_type="image/png")
    post = {"type": DisputeType.EVIDENCE, "description": "看不清", "files": [photo]}
    assert client.post(f"/orders/{order.number}/acceptance/dispute/", post).status_code == 302
    exception = OrderException.objects.get(order=order)
    client_for(client, world.provider1)
    reply = {"body": "补拍", "files": [SimpleUploadedFile("new.png", tiny_png(), content_type="image/png")]}
    assert client.post(f"/orders/{order.number}/exceptions/{exception.pk}/comment/", reply).status_code == 302
    files = list(exception.files.order_by("id"))
    urls = [f"/orders/{order.number}/exceptions/{exception.pk}/files/{f.pk}/" for f in files]
    for actor in (world.provider1, world.merchant1):
        html = detail(client_for(client, actor), order)
        assert all(url in html for url in urls)
        served = client.get(urls[1])
        assert served.status_code == 200 and served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert client_for(client, world.merchant2).get(urls[0]).status_code == 404
    assert client_for(client, world.merchant1).get(f"/orders/{order.number}/exceptions/{exception.pk}/files/999999/").status_code == 404


def test_a_reply_with_a_file_that_is_not_a_photo_or_pdf_is_refused_and_writes_nothing(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    order, exception = disputed(world)
    client_for(client, world.provider1)
    bad = {"body": "补拍", "files": [SimpleUploadedFile("x.png", b"MZ not an image", content_type="image/png")]}
    with nothing_written():
        response = client.post(f"/orders/{order.number}/exceptions/{exception.pk}/comment/", bad)
    assert response.status_code == 400 and escape(str(PROBLEMS["unsupported_file_type"])) in response.content.decode()
