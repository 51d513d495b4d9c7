"""A batch costs the same number of queries whatever its size: no per-order queries."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelback.reverse_orders import batch, selectors, services
from parcelback.reverse_orders.models import OrderLine, PickupMethod, ReverseOrder, ReverseType, Status

from ..factories import CargoOwnerFactory

pytestmark = pytest.mark.django_db


def bulk_orders(world, count: int, reverse_type=ReverseType.CUSTOMS_RETURN, prefix="B") -> list[str]:
    owner = CargoOwnerFactory()
    deadline = timezone.now() + timedelta(days=10)
    orders = ReverseOrder.objects.bulk_create(
        ReverseOrder(
            number=f"{prefix}{count}-{i:05d}", external_ref=f"{prefix}{count}-{i}", shop=world.shop1, provider=world.provider_a,
            warehouse=world.wh_a1, owner=owner, reverse_type=reverse_type, business_mode="pop",
            arrived_at=timezone.now(), instruction_deadline=deadline,
        )
        for i in range(count)
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=o, product_id="1", product_name="眼罩", goods_id="2", goods_name="眼罩", quantity=1) for o in orders
    )
    return [o.number for o in orders]


def queries_for(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def details():
    return batch.PickupDetails(
        method=PickupMethod.SELF_PICKUP,
        self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
    )


def test_pickup_batch_of_1000_costs_the_same_queries_as_10(world):
    small, large = bulk_orders(world, 10), bulk_orders(world, 1000)
    n_small = queries_for(lambda: services.register_pickup(actor=world.merchant1, numbers=small, details=details()))
    n_large = queries_for(lambda: services.register_pickup(actor=world.merchant1, numbers=large, details=details()))
    assert n_small == n_large
    assert ReverseOrder.objects.filter(status=Status.AWAITING_PICKUP).count() == 1010


def test_destruction_batch_of_1000_costs_the_same_queries_as_10(world):
    small = bulk_orders(world, 10, ReverseType.CUSTOMS_DESTROY)
    large = bulk_orders(world, 1000, ReverseType.CUSTOMS_DESTROY)
    n_small = queries_for(lambda: services.confirm_destruction(actor=world.merchant1, numbers=small, confirm=True))
    n_large = queries_for(lambda: services.confirm_destruction(actor=world.merchant1, numbers=large, confirm=True))
    assert n_small == n_large


def test_create_of_1000_costs_the_same_queries_as_10(world):
    def items(n, prefix):
        return [
            services.NewOrder(
                external_ref=f"{prefix}-{i}", shop="shop1", warehouse="tokyo", reverse_type="intercept_reject",
                business_mode="pop", owner_id=f"{prefix}{i % 3}", owner_name="货主",
                lines=[services.NewLine("1", "眼罩", "2", "眼罩", 1)],
            )
            for i in range(n)
        ]

    services.create_orders(actor=world.provider1, orders=items(1, "warm-up"))  # today's number sequence exists
    n_small = queries_for(lambda: services.create_orders(actor=world.provider1, orders=items(10, "s")))
    n_large = queries_for(lambda: services.create_orders(actor=world.provider1, orders=items(1000, "l")))
    assert n_small == n_large


def test_list_page_of_orders_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    bulk_orders(world, 60)
    # the orders with shop, warehouse and owner joined; then their goods lines
    with django_assert_num_queries(2):
        page = list(selectors.order_list(actor=world.merchant1, params={}).qs[:50])
        [line.goods_name for o in page for line in o.line_items]
    assert len(page) == 50
