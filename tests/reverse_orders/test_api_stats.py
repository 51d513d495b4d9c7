"""GET /reverse-orders/stats: counts per bucket under every list filter, the very numbers the list counts."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import ExceptionState, ReverseType, Status
from parcelback.reverse_orders.stats import GROUPS

from ..factories import ReverseOrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world):
    now = timezone.now()
    make = ReverseOrderFactory
    return [
        make(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=now - timedelta(hours=1)),
        make(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=now + timedelta(days=2)),
        make(shop=world.shop1, warehouse=world.wh_a2, reverse_type=ReverseType.CUSTOMS_DESTROY,
             instruction_deadline=now + timedelta(days=10), created_at=now - timedelta(days=9)),
        make(shop=world.shop1, warehouse=world.wh_b1, status=Status.AWAITING_PICKUP, pickup_method="forward",
             exception_state=ExceptionState.PENDING, created_at=now - timedelta(days=20)),
        make(shop=world.shop1, warehouse=world.wh_b1, status=Status.PICKED_UP, pickup_method="self_pickup"),
        make(shop=world.shop2, warehouse=world.wh_a1),  # another shop's: never counted for merchant1
    ]


def listed_total(client, **params) -> int:
    total, cursor = 0, None
    while True:
        page = client.get("/reverse-orders", params | {"limit": 200} | ({"cursor": cursor} if cursor else {})).json()
        total += len(page["results"])
        if not (cursor := page["next_cursor"]):
            return total


@pytest.mark.parametrize("group_by", GROUPS)
@pytest.mark.parametrize("filters", [{}, {"tab": "customs_return"}, {"warehouse": "tokyo"}, {"status": "awaiting_instruction"}])
def test_every_bucket_is_the_lists_count_for_that_bucket(world, api, orders, group_by, filters):
    client = api(world.merchant1)
    answer = client.get("/reverse-orders/stats", filters | {"group_by": group_by})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["group_by"] == group_by and body["total"] == listed_total(client, **filters)
    assert sum(b["count"] for b in body["buckets"]) == body["total"]
    for bucket in body["buckets"]:
        if group_by == "week" or group_by in filters or (group_by == "reverse_type" and "tab" in filters):
            continue  # no list filter per week; a filter already on that key; the type filter is a 全部-tab filter
        if group_by in ("pickup_method", "acceptance_state") and bucket["key"] == "none":
            continue
        if group_by == "dispute_outcome":
            continue  # not a list filter: its own test below
        assert bucket["count"] == listed_total(client, **(filters | {group_by: bucket["key"]})), bucket


def test_the_buckets_and_their_labels(world, api, orders):
    client = api(world.merchant1)
    aging = {b["key"]: b["count"] for b in client.get("/reverse-orders/stats", {"group_by": "aging"}).json()["buckets"]}
    assert aging == {"overdue": 1, "due_3d": 1, "due_7d": 0, "due_15d": 1, "later": 0, "none": 2}
    methods = client.get("/reverse-orders/stats", {"group_by": "pickup_method"}).json()["buckets"]
    assert [(b["key"], b["label"], b["count"]) for b in methods] == [("self_pickup", "自提", 1), ("forward", "转寄", 1), ("none", "未登记", 3)]
    warehouses = client.get("/reverse-orders/stats", {"group_by": "warehouse"}).json()["buckets"]
    assert [(b["key"], b["count"]) for b in warehouses] == [("la", 2), ("sydney", 1), ("tokyo", 2)]
    weeks = client.get("/reverse-orders/stats", {"group_by": "week"}).json()["buckets"]
    assert sum(b["count"] for b in weeks) == 5 and all(len(b["key"]) == 8 and "-W" in b["key"] for b in weeks)


def test_disputes_and_their_outcomes_per_warehouse(world, api, orders):
    from parcelback.reverse_orders import services
    from parcelback.reverse_orders.models import AcceptanceState

    def destroyed(warehouse):
        return ReverseOrderFactory(shop=world.shop1, warehouse=warehouse, reverse_type=ReverseType.CUSTOMS_DESTROY,
                                   status=Status.DESTROYED, acceptance_state=AcceptanceState.PENDING)

    settled, still_open, other = destroyed(world.wh_a1), destroyed(world.wh_a1), destroyed(world.wh_b1)
    dispute = services.Dispute("evidence", "照片不清")
    services.answer_executions(actor=world.merchant1, numbers=[settled.number, still_open.number, other.number],
                               result="disputed", dispute=dispute)
    exception = settled.exceptions.get()
    services.resolve_exception(actor=world.provider1, number=settled.number, exception_id=exception.pk, note="赔付",
                               outcome=services.Outcome("compensated", "30", "CNY"))
    client = api(world.merchant1)

    def outcomes(**filters):
        body = client.get("/reverse-orders/stats", {"group_by": "dispute_outcome", **filters}).json()
        return {b["key"]: b["count"] for b in body["buckets"] if b["count"]}

    assert outcomes() == {"open": 2, "compensated": 1, "none": 5}
    assert outcomes(warehouse="tokyo") == {"open": 1, "compensated": 1, "none": 2}
    per_warehouse = client.get("/reverse-orders/stats", {"group_by": "warehouse", "acceptance_state": "disputed"}).json()
    assert {b["key"]: b["count"] for b in per_warehouse["buckets"]} == {"tokyo": 2, world.wh_b1.code: 1}


def test_bad_input_is_a_field_error(world, api, orders):
    client = api(world.merchant1)
    assert client.get("/reverse-orders/stats").json()["field"] == "group_by"  # required
    assert client.get("/reverse-orders/stats", {"group_by": "colour"}).status_code == 400
    bad = client.get("/reverse-orders/stats", {"group_by": "status", "time_from": "2026-02-30"})
    assert bad.status_code == 400 and bad.json()["field"] == "time_from"


def test_each_caller_counts_only_what_it_may_see(world, api, orders):
    assert api(world.merchant2).get("/reverse-orders/stats", {"group_by": "status"}).json()["total"] == 1
    assert api(world.provider2).get("/reverse-orders/stats", {"group_by": "status"}).json()["total"] == 2  # its LA warehouse
