"""Who sees and acts on whose orders: a shop × shop and provider × warehouse matrix over reads and actions."""
import pytest

from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import selectors, services

from ..factories import ReverseOrderFactory
from ..helpers import refused_with

pytestmark = pytest.mark.django_db

# order key → (shop, warehouse) ; actor → the order keys it sees
ORDERS = {"s1_a1": ("shop1", "wh_a1"), "s1_b1": ("shop1", "wh_b1"), "s2_a2": ("shop2", "wh_a2"), "s2_b1": ("shop2", "wh_b1")}
SEES = {
    "merchant1": {"s1_a1", "s1_b1"},
    "viewer1": {"s1_a1", "s1_b1"},
    "merchant2": {"s2_a2", "s2_b1"},
    "provider1": {"s1_a1", "s2_a2"},
    "provider2": {"s1_b1", "s2_b1"},
    "admin": set(ORDERS),
}


@pytest.fixture
def orders(world):
    return {
        key: ReverseOrderFactory(shop=getattr(world, shop), warehouse=getattr(world, warehouse))
        for key, (shop, warehouse) in ORDERS.items()
    }


@pytest.mark.parametrize("actor_name, seen", SEES.items())
def test_each_actor_sees_exactly_its_orders_in_list_and_detail(world, orders, actor_name, seen):
    actor = getattr(world, actor_name)
    listed = set(selectors.order_list(actor=actor, params={}).qs.values_list("number", flat=True))
    assert listed == {orders[key].number for key in seen}
    for key, o in orders.items():
        if key in seen:
            assert selectors.order_detail(actor=actor, number=o.number).pk == o.pk
        else:
            with pytest.raises(Refused) as refusal:
                selectors.order_detail(actor=actor, number=o.number)
            assert refusal.value.code == Code.NOT_FOUND
        assert bool(selectors.find_by_any_number(actor=actor, text=o.sales_return_no)) == (key in seen)


@pytest.mark.parametrize("actor_name", ["merchant1", "merchant2"])
def test_merchant_cannot_act_on_another_shops_order(world, orders, actor_name):
    actor = getattr(world, actor_name)
    for key, o in orders.items():
        if key not in SEES[actor_name]:
            with refused_with(Code.NOT_FOUND):
                services.confirm_destruction(actor=actor, numbers=[o.number], confirm=True)
            with refused_with(Code.NOT_FOUND):
                services.comment_exception(actor=actor, number=o.number, exception_id=1, body="x")


@pytest.mark.parametrize("actor_name", ["provider1", "provider2"])
def test_provider_cannot_act_outside_its_warehouses(world, orders, actor_name):
    actor = getattr(world, actor_name)
    for key, o in orders.items():
        if key not in SEES[actor_name]:
            with refused_with(Code.NOT_FOUND):
                services.cancel(actor=actor, number=o.number, reason="x")
            with refused_with(Code.NOT_FOUND):
                services.record_arrival(actor=actor, numbers=[o.number])


def test_viewer_sees_but_cannot_act(world, orders):
    o = orders["s1_a1"]
    with refused_with(Code.NOT_PERMITTED):
        services.confirm_destruction(actor=world.viewer1, numbers=[o.number], confirm=True)
    with refused_with(Code.NOT_PERMITTED):
        services.raise_exception(actor=world.viewer1, number=o.number, type="other", description="x")
