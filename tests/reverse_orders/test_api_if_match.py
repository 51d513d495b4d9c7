"""If-Match is checked on the order the write has locked, inside its transaction: a change that lands between the
API's first look and the write cannot slip through."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import (
    ExceptionState,
    OrderException,
    ReverseOrder,
    Status,
)

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot as snapshot
from ..helpers import assert_error


@pytest.fixture
def order(world):
    return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)


def with_open_exception(order, world) -> int:
    services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="破损")
    return OrderException.objects.get(order=order).pk


WRITES = {
    "cancel": lambda order, world: ("cancel", "/cancel", {"reason": "重复"}),
    "raise_exception": lambda order, world: ("raise_exception", "/exceptions", {"type": "lost", "description": "丢失"}),
    "comment_exception": lambda order, world: (
        "comment_exception", f"/exceptions/{with_open_exception(order, world)}/comments", {"body": "在查"},
    ),
    "resolve_exception": lambda order, world: (
        "resolve_exception", f"/exceptions/{with_open_exception(order, world)}/resolve", {"note": "已找到"},
    ),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_change_between_the_first_look_and_the_lock_is_refused_with_412(api, world, order, monkeypatch, write):
    service, path, body = WRITES[write](order, world)
    provider = api(world.provider1)
    etag = provider.get(f"/reverse-orders/{order.number}")["ETag"]
    real = getattr(services, service)
    seen = {}

    def another_write_lands_first(**kwargs):
        """Another request changes the order after the API looked at If-Match, before this write locks it."""
        ReverseOrder.objects.filter(pk=order.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
        seen["before"] = snapshot(order.number), OrderException.objects.count()
        return real(**kwargs)

    monkeypatch.setattr(services, service, another_write_lands_first)
    response = provider.post(f"/reverse-orders/{order.number}{path}", body, headers={"If-Match": etag})
    assert_error(response, 412, "precondition_failed")
    assert (snapshot(order.number), OrderException.objects.count()) == seen["before"]


def test_a_current_if_match_still_writes(api, world, order):
    provider = api(world.provider1)
    etag = provider.get(f"/reverse-orders/{order.number}")["ETag"]
    response = provider.post(f"/reverse-orders/{order.number}/exceptions", {"type": "lost", "description": "丢失"},
                             headers={"If-Match": etag})
    assert response.status_code == 201
    assert ReverseOrder.objects.get(pk=order.pk).exception_state == ExceptionState.PENDING
    assert ReverseOrder.objects.get(pk=order.pk).status == Status.AWAITING_INSTRUCTION
