"""The one filterset: each filter of PRODUCT.md's list page, and combinations."""
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from parcelback.reverse_orders import selectors
from parcelback.reverse_orders.filters import split_numbers
from parcelback.reverse_orders.models import ExceptionState, ReverseType, Status

from ..factories import CargoOwnerFactory, ReverseOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world):
    now = timezone.now()
    kao = CargoOwnerFactory(external_id="OWN-1", name="花王株式会社")
    swisse = CargoOwnerFactory(external_id="OWN-2", name="Swisse Wellness")
    make = ReverseOrderFactory
    return {
        "return": make(shop=world.shop1, warehouse=world.wh_a1, owner=kao, reverse_type=ReverseType.CUSTOMS_RETURN,
                       created_at=now - timedelta(days=3), goods=[("70012", "日本花王 蒸汽眼罩 12片")]),
        "destroy": make(shop=world.shop1, warehouse=world.wh_a2, owner=swisse, reverse_type=ReverseType.CUSTOMS_DESTROY,
                        business_mode="consignment_sale", created_at=now - timedelta(days=2),
                        instruction_deadline=now + timedelta(days=1), goods=[("70456", "澳洲 Swisse 钙片 150粒")]),
        "reject": make(shop=world.shop1, warehouse=world.wh_b1, owner=kao, reverse_type=ReverseType.INTERCEPT_REJECT,
                       status=Status.AWAITING_PICKUP, pickup_method="forward", exception_state=ExceptionState.PENDING,
                       created_at=now - timedelta(days=1), goods=[("70233", "韩国 爱茉莉 洗发水"), ("70012", "日本花王 蒸汽眼罩 12片")]),
        "intercept": make(shop=world.shop1, warehouse=world.wh_a1, owner=swisse, reverse_type=ReverseType.WAREHOUSE_INTERCEPT,
                          status=Status.AWAITING_PICKUP, pickup_method="self_pickup", created_at=now),
        "foreign": make(shop=world.shop2, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN, created_at=now),
    }


def listed(world, orders, **params) -> list[str]:
    query = QueryDict(mutable=True)
    query.update(params)
    f = selectors.order_list(actor=world.merchant1, params=query)
    assert f.is_valid(), f.errors
    names = {o.pk: key for key, o in orders.items()}
    return [names[pk] for pk in f.qs.values_list("pk", flat=True)]


def test_default_is_newest_first(world, orders):
    assert listed(world, orders) == ["intercept", "reject", "destroy", "return"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"tab": "customs_destroy"}, ["destroy"]),
        ({"reverse_type": "customs_failure"}, ["destroy", "return"]),
        ({"tab": "intercept_reject", "reverse_type": "customs_failure"}, ["reject"]),  # type filter is 全部-tab only
        ({"status": "awaiting_pickup"}, ["intercept", "reject"]),
        ({"pickup_method": "forward"}, ["reject"]),
        ({"exception_state": "pending"}, ["reject"]),
        ({"exception_state": "none", "status": "awaiting_pickup"}, ["intercept"]),
        ({"business_mode": "consignment_sale"}, ["destroy"]),
        ({"warehouse": "tokyo"}, ["intercept", "return"]),
        ({"owner": "OWN-1"}, ["reject", "return"]),
        ({"owner": "swisse"}, ["intercept", "destroy"]),
        ({"goods": "70012"}, ["reject", "return"]),
        ({"goods": "钙片"}, ["destroy"]),
        ({"product": "P70233"}, ["reject"]),
        ({"ordering": "deadline"}, ["destroy", "return", "reject", "intercept"]),
    ],
)
def test_filters(world, orders, params, expected):
    if params.get("ordering") == "deadline":
        expected = sorted(orders, key=lambda k: (orders[k].instruction_deadline, orders[k].pk))
        expected = [k for k in expected if k != "foreign"]
    assert listed(world, orders, **params) == expected


def test_pasted_numbers_of_each_kind(world, orders):
    pasted = f"{orders['return'].number}, {orders['destroy'].number}\n{orders['foreign'].number}  nonsense"
    assert listed(world, orders, numbers=pasted) == ["destroy", "return"]
    assert listed(world, orders, number_type="sales_return_no", numbers=orders["reject"].sales_return_no) == ["reject"]
    assert listed(world, orders, number_type="order_no", numbers=orders["intercept"].order_no) == ["intercept"]


def test_time_range_on_created_and_updated(world, orders):
    today = timezone.localdate()
    since = (today - timedelta(days=1)).isoformat()
    assert listed(world, orders, time_from=since) == ["intercept", "reject"]
    assert listed(world, orders, time_to=(today - timedelta(days=2)).isoformat()) == ["destroy", "return"]
    assert listed(world, orders, time_field="updated", time_from=timezone.now().isoformat()) == []


def test_bad_time_is_a_field_error(world, orders):
    f = selectors.order_list(actor=world.merchant1, params=QueryDict("time_from=yesterday"))
    assert not f.is_valid() and "time_from" in f.errors


def test_tab_counts_follow_other_filters(world, orders):
    counts = selectors.tab_counts(actor=world.merchant1, params=QueryDict("tab=customs_destroy&warehouse=tokyo"))
    assert counts == {"all": 2, "customs_return": 1, "customs_destroy": 0, "intercept_reject": 0, "warehouse_intercept": 1}


def test_split_numbers_accepts_any_separator():
    assert split_numbers("A1, A2，A3\nA4\tA5;A6  ") == ["A1", "A2", "A3", "A4", "A5", "A6"]


def test_aging_buckets_orders_awaiting_instruction_by_whole_days_left(world, client):
    """Each bucket holds exactly the orders whose list badge (`days_left`) falls in it; `none` the others."""
    from django.http import QueryDict

    now = timezone.now()
    today = timezone.localdate(now)

    def due_in(days: int, hours: int = 12):  # noon (by default) of the local day `days` from today
        moment = timezone.make_aware(timezone.datetime.combine(today + timedelta(days=days), timezone.datetime.min.time()))
        return ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=moment + timedelta(hours=hours))

    made = {
        "overdue": [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=now - timedelta(minutes=1)), due_in(-3)],
        "due_3d": [due_in(1), due_in(3, hours=23)],
        "due_7d": [due_in(4, hours=0), due_in(7)],
        "due_15d": [due_in(8), due_in(15)],
        "later": [due_in(16, hours=0), due_in(40)],
        "none": [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status=Status.AWAITING_PICKUP, pickup_method="forward")],
    }
    for bucket, expected in made.items():
        query = QueryDict(mutable=True)
        query.update({"aging": bucket})
        got = set(selectors.order_list(actor=world.merchant1, params=query).qs.values_list("number", flat=True))
        assert got == {o.number for o in expected}, bucket
        for order in expected:
            days = order.days_left(now)
            assert days is None if bucket == "none" else (bucket == "overdue") == (order.instruction_deadline < now)
    query = QueryDict(mutable=True)
    query.update({"aging": "soon"})
    assert selectors.order_list(actor=world.merchant1, params=query).form.errors["aging"]
