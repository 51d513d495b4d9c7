from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import EventKind
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND, OutboxMessage

from ..factories import ReverseOrderFactory


@pytest.fixture
def announce(world):
    """announce(kind, order=None, age=...) → an outbox message as the services write it (shop1, provider A)."""
    default = {}

    def make(kind: EventKind, order=None, *, age: timedelta = timedelta(minutes=5), data: dict | None = None):
        if order is None:
            if "order" not in default:
                default["order"] = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
            order = default["order"]
        return OutboxMessage.objects.create(
            event_type=EVENT_TYPE_OF_KIND[kind], order_number=order.number, shop_id=order.shop_id,
            provider_id=order.provider_id, payload={"data": {"event": data or {}}}, created_at=timezone.now() - age,
        )

    return make
