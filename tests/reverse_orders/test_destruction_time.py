"""A destruction cannot have happened before the merchant confirmed it, nor in the future."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcelback.core.errors import Code
from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import (
    DestructionConfirmation,
    ReverseType,
    Status,
)

from ..factories import ReverseOrderFactory
from ..helpers import client_for, page_snapshot, refused_with

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def confirmed(world, *, hours_ago=2):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    services.confirm_destruction(actor=world.merchant1, numbers=[order.number], confirm=True)
    DestructionConfirmation.objects.filter(order=order).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return order


def evidence():
    return [SimpleUploadedFile("p.png", PNG, content_type="image/png")]


def test_refuses_destruction_before_the_confirmation(world):
    order = confirmed(world)
    with refused_with(Code.INVALID, field="destroyed_at", errors={"destroyed_at": "before_confirmation"}):
        services.destroy(
            actor=world.provider1, number=order.number, destroyed_at=timezone.now() - timedelta(hours=3), method="焚烧", evidence=evidence()
        )


def test_refuses_destruction_in_the_future(world):
    order = confirmed(world)
    with refused_with(Code.INVALID, errors={"destroyed_at": "in_future"}):
        services.destroy(
            actor=world.provider1, number=order.number, destroyed_at=timezone.now() + timedelta(hours=1), method="焚烧", evidence=evidence()
        )


def test_accepts_destruction_between_confirmation_and_now(world):
    order = confirmed(world)
    services.destroy(
        actor=world.provider1, number=order.number, destroyed_at=timezone.now() - timedelta(hours=1), method="焚烧", evidence=evidence()
    )
    order.refresh_from_db()
    assert order.status == Status.DESTROYED


def test_detail_page_says_why_the_time_is_refused(world, client):
    order = confirmed(world)
    client_for(client, world.provider1)
    before = page_snapshot(order)
    when = timezone.localtime(timezone.now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/orders/{order.number}/destroy/", {"destroyed_at": when, "method": "焚烧", "evidence": evidence()[0]}
    )
    assert response.status_code == 400
    assert "不能早于商家确认销毁的时间" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.AWAITING_DESTRUCTION
    assert page_snapshot(order) == before  # status, timeline and outbox untouched
