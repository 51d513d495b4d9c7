"""The detail page over the Django test client: what it shows, and its actions (hand over, forward, destroy,
exceptions, cancel)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcelback.reverse_orders import services
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import ExceptionState, PickupMethod, Status

from ..helpers import client_for, registered
from ..helpers import page_snapshot as snapshot

pytestmark = pytest.mark.django_db


def test_detail_shows_fields_lines_registration_and_timeline(client, world, orders):
    order = orders["reject"]
    registered(world, order)
    html = client_for(client, world.merchant1).get(f"/orders/{order.number}/").content.decode()
    assert order.sales_return_no in html and order.order_no in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "登记信息" in html and "张三" in html
    assert "提货码只在登记时显示一次" in html
    assert "操作记录" in html and "登记提货" in html


def test_detail_query_count_is_pinned(client, world, orders, django_assert_num_queries):
    order = orders["destroy"]
    services.confirm_destruction(actor=world.merchant1, numbers=[order.number], confirm=True)
    exc = services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="外箱破损")
    services.comment_exception(actor=world.merchant1, number=order.number, exception_id=exc.pk, body="请拍照")
    client_for(client, world.merchant1)
    # session, user, membership, order (+joins), lines, exceptions, their files, comments (+authors), the comments'
    # files, events
    with django_assert_num_queries(11):
        assert client.get(f"/orders/{order.number}/").status_code == 200


def test_provider_detail_offers_handover(client, world, orders):
    registered(world, orders["return"])
    html = client_for(client, world.provider1).get(f"/orders/{orders['return'].number}/").content.decode()
    assert "核对提货码并交付" in html and "提货码只在登记时显示一次" not in html


def test_hand_over_refuses_a_wrong_code_then_accepts_the_right_one(client, world, orders, caplog):
    order = orders["return"]
    code = registered(world, order)
    client_for(client, world.provider1)
    before = snapshot(order)
    wrong = "00000000" if code != "00000000" else "11111111"
    response = client.post(f"/orders/{order.number}/handover/", {"pickup_code": wrong, "handed_to": "张三"})
    assert response.status_code == 409
    assert "提货码不正确" in response.content.decode()
    statuses, exception_states, events, outbox = before
    assert snapshot(order) == (statuses, exception_states, events + 1, outbox)  # the wrong attempt is on the timeline
    assert "pickup code mismatch" in caplog.text
    response = client.post(f"/orders/{order.number}/handover/", {"pickup_code": code, "handed_to": "张三"})
    assert response["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.status == Status.PICKED_UP
    assert "已提货" in client.get(f"/orders/{order.number}/").content.decode()


def test_forward_execution(client, world, orders):
    order = orders["return"]
    registered(world, order, PickupMethod.FORWARD)
    client_for(client, world.provider1)
    response = client.post(f"/orders/{order.number}/forward/", {"carrier": "", "tracking_number": "SF1"})
    assert response.status_code == 400 and "必填" in response.content.decode()
    client.post(f"/orders/{order.number}/forward/", {"carrier": "顺丰速运", "tracking_number": "SF1"})
    order.refresh_from_db()
    assert order.status == Status.FORWARDED
    assert "顺丰速运" in client.get(f"/orders/{order.number}/").content.decode()


def test_destroy_with_evidence_and_the_evidence_is_served_to_both_sides(client, world, orders):
    order = orders["destroy"]
    services.confirm_destruction(actor=world.merchant1, numbers=[order.number], confirm=True)
    client_for(client, world.provider1)
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")  # not before the merchant's confirmation
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    before = snapshot(order)
    response = client.post(f"/orders/{order.number}/destroy/", {"destroyed_at": when, "method": "焚烧", "evidence": bad})
    assert response.status_code == 400 and "仅支持 JPG、PNG、WebP 图片或 PDF" in response.content.decode()
    assert snapshot(order) == before
    photo = SimpleUploadedFile("p.png", tiny_png(), content_type="image/png")
    client.post(f"/orders/{order.number}/destroy/", {"destroyed_at": when, "method": "焚烧", "evidence": photo})
    order.refresh_from_db()
    assert order.status == Status.DESTROYED
    evidence = order.execution.evidence.get()
    url = f"/orders/{order.number}/evidence/{evidence.pk}/"
    assert url in client.get(f"/orders/{order.number}/").content.decode()
    for actor in (world.provider1, world.merchant1, world.viewer1):
        response = client_for(client, actor).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(client, world.merchant2).get(url).status_code == 404


def test_exception_raise_comment_resolve(client, world, orders):
    order = orders["return"]
    client_for(client, world.provider1)
    response = client.post(f"/orders/{order.number}/exceptions/", {"type": "damaged", "description": ""})
    assert response.status_code == 400 and "必填" in response.content.decode()
    client.post(f"/orders/{order.number}/exceptions/", {"type": "damaged", "description": "外箱破损 <b>x</b>"})
    exception = order.exceptions.get()
    client_for(client, world.merchant1)
    client.post(f"/orders/{order.number}/exceptions/{exception.pk}/comment/", {"body": "请拍照"})
    client.post(f"/orders/{order.number}/exceptions/{exception.pk}/resolve/", {"note": "内件完好"})
    order.refresh_from_db()
    assert order.exception_state == ExceptionState.RESOLVED and order.status == Status.AWAITING_INSTRUCTION
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert "请拍照" in html and "内件完好" in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_cancel(client, world, orders):
    order = orders["return"]
    client_for(client, world.provider1).post(f"/orders/{order.number}/cancel/", {"reason": "重复建单"})
    order.refresh_from_db()
    assert order.status == Status.CANCELLED

