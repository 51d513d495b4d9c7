"""Assertions and request builders shared by service, page and API tests."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from parcelback.core.errors import Refused
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import (
    DestructionConfirmation,
    Event,
    ExceptionComment,
    ExceptionFile,
    Execution,
    ExecutionAcceptance,
    OrderException,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
)
from parcelback.webhooks.models import OutboxMessage

WRITTEN = (
    Event, OutboxMessage, PickupRegistration, DestructionConfirmation, Execution, OrderException, ExceptionComment,
    ExecutionAcceptance, ExceptionFile,
)
ORDER_STATE = (
    "status", "exception_state", "acceptance_state", "pickup_method", "arrived_at", "instruction_deadline", "updated_at"
)


def snapshot() -> dict:
    orders = {row[0]: row[1:] for row in ReverseOrder.objects.values_list("pk", *ORDER_STATE)}
    return {"orders": orders} | {model.__name__: model.objects.count() for model in WRITTEN}


@contextmanager
def nothing_written():
    """The block must change no order and write no event, outbox row, registration, execution or exception."""
    before = snapshot()
    yield
    assert snapshot() == before


@contextmanager
def refused_with(code, **expected):
    """The block must raise Refused with `code` (and the given attributes) and leave everything as it was."""
    with nothing_written(), pytest.raises(Refused) as caught:
        yield caught
    assert caught.value.code == code, caught.value
    for name, value in expected.items():
        assert getattr(caught.value, name) == value


# --- pages (the console over the Django test client) -----------------------------------------------------


def client_for(client, actor):
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


def page_snapshot(*orders):
    """What a refusal must leave untouched: statuses, the timeline and the outbox."""
    return (
        [ReverseOrder.objects.get(pk=o.pk).status for o in orders],
        [ReverseOrder.objects.get(pk=o.pk).exception_state for o in orders],
        Event.objects.count(),
        OutboxMessage.objects.count(),
    )


def self_pickup_post(numbers, **overrides):
    data = {
        "numbers": numbers,
        "method": "self_pickup",
        "expected_pickup_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "picker_name": "张三",
        "picker_phone": "138 0013 8000",
        "submit": "1",
    }
    return data | overrides


def registered(world, order, method=PickupMethod.SELF_PICKUP) -> str | None:
    if method == PickupMethod.SELF_PICKUP:
        details = batch.PickupDetails(
            method=method,
            self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
        )
    else:
        details = batch.PickupDetails(
            method=method,
            forward=batch.ForwardDetails("李四", "13900001234", "中国", "浙江省", "杭州市", "文一西路 969 号", "311121"),
        )
    return services.register_pickup(actor=world.merchant1, numbers=[order.number], details=details).pickup_code


def order_form(**overrides):
    data = {
        "external_ref": "EXT-NEW-1", "shop": "shop1", "warehouse": "tokyo", "reverse_type": "intercept_reject",
        "business_mode": "pop", "owner_id": "OWN-9", "owner_name": "货主九",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "20",
        "lines-0-product_id": "P1", "lines-0-product_name": "商品一", "lines-0-goods_id": "G1", "lines-0-goods_name": "货品一",
        "lines-0-quantity": "2", "lines-1-quantity": "1", "lines-2-quantity": "1",  # as the page renders them
    }
    return data | overrides


# --- the API (the client itself is the `api` fixture in tests/conftest.py) ------------------------------------

PREFIX = "/api/v1"


def api_snapshot(*numbers):
    """What a refused request must leave untouched: the orders' state and the event and outbox counts."""
    orders = {o.number: (o.status, o.exception_state, o.acceptance_state, o.pickup_method, o.arrived_at, o.updated_at)
              for o in ReverseOrder.objects.filter(number__in=numbers)}
    return orders, Event.objects.count(), OutboxMessage.objects.count()


def assert_error(response, status, code, *, field=None, refused=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "field", "errors", "refused"}
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert body["field"] == field
    if refused is not None:
        assert [(r["order"], r["code"]) for r in body["refused"]] == refused
    return body
