"""Assertions shared by service, page and API tests."""
from contextlib import contextmanager

import pytest

from parcelback.core.errors import Refused
from parcelback.reverse_orders.models import (
    DestructionConfirmation,
    Event,
    ExceptionComment,
    Execution,
    OrderException,
    PickupRegistration,
    ReverseOrder,
)
from parcelback.webhooks.models import OutboxMessage

WRITTEN = (Event, OutboxMessage, PickupRegistration, DestructionConfirmation, Execution, OrderException, ExceptionComment)
ORDER_STATE = ("status", "exception_state", "pickup_method", "arrived_at", "instruction_deadline", "updated_at")


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
