"""The whole-batch plan and the one-form details, pure: no database."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from parcelback.accounts.models import Role
from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import batch
from parcelback.reverse_orders.models import ExceptionState, PickupMethod, ReverseType, Status
from parcelback.reverse_orders.states import Action

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
M = Role.MERCHANT_OPERATOR


@dataclass
class O:
    number: str
    warehouse_id: int = 1
    reverse_type: str = ReverseType.CUSTOMS_RETURN
    status: str = Status.AWAITING_INSTRUCTION
    pickup_method: str | None = None
    arrived_at: datetime | None = NOW
    exception_state: str = ExceptionState.NONE


def self_pickup(**changes) -> batch.PickupDetails:
    fields = {"expected_pickup_at": NOW + timedelta(days=1), "picker_name": "张三", "picker_phone": "138 0013 8000"} | changes
    return batch.PickupDetails(method=PickupMethod.SELF_PICKUP, self_pickup=batch.SelfPickupDetails(**fields))


def forward(**changes) -> batch.PickupDetails:
    fields = {
        "recipient_name": "李四", "recipient_phone": "+86 139-0000-1234", "country": "中国", "province": "浙江省",
        "city": "杭州市", "district": "余杭区", "street": "文一西路 969 号", "postcode": "311121",
    } | changes
    return batch.PickupDetails(method=PickupMethod.FORWARD, forward=batch.ForwardDetails(**fields))


def test_all_eligible_batch_is_ok():
    orders = [O("A"), O("B", reverse_type=ReverseType.INTERCEPT_REJECT), O("C", reverse_type=ReverseType.WAREHOUSE_INTERCEPT)]
    plan = batch.plan(Action.REGISTER_PICKUP, ["A", "B", "C"], orders, M, method=PickupMethod.SELF_PICKUP)
    assert plan.ok and [o.number for o in plan.eligible] == ["A", "B", "C"] and plan.refused == []


def test_every_refused_order_is_listed_with_its_code():
    orders = [O("A"), O("B", reverse_type=ReverseType.CUSTOMS_DESTROY), O("C", status=Status.AWAITING_PICKUP), O("D", status=Status.CANCELLED)]
    plan = batch.plan(Action.REGISTER_PICKUP, ["A", "B", "C", "D", "X", "A"], orders, M, method=PickupMethod.FORWARD)
    assert not plan.ok
    assert [o.number for o in plan.eligible] == ["A"]
    assert plan.refused == [
        ("B", Code.WRONG_REVERSE_TYPE),
        ("C", Code.ALREADY_REGISTERED),
        ("D", Code.WRONG_STATUS),
        ("X", Code.NOT_FOUND),  # another shop's order is simply not among the visible ones
        ("A", Code.DUPLICATE_IN_BATCH),
    ]


def test_self_pickup_batch_across_warehouses_refuses_the_smaller_group():
    orders = [O("A", warehouse_id=1), O("B", warehouse_id=2), O("C", warehouse_id=2)]
    plan = batch.plan(Action.REGISTER_PICKUP, ["A", "B", "C"], orders, M, method=PickupMethod.SELF_PICKUP)
    assert [o.number for o in plan.eligible] == ["B", "C"]
    assert plan.refused == [("A", Code.MIXED_WAREHOUSES)]


def test_forward_batch_may_span_warehouses():
    orders = [O("A", warehouse_id=1), O("B", warehouse_id=2)]
    assert batch.plan(Action.REGISTER_PICKUP, ["A", "B"], orders, M, method=PickupMethod.FORWARD).ok


def test_refusal_of_a_single_order_carries_its_own_code_and_of_a_batch_the_batch_code():
    single = batch.plan(Action.CONFIRM_DESTRUCTION, ["A"], [O("A")], M)
    assert batch.refuse(single).code == Code.WRONG_REVERSE_TYPE
    many = batch.plan(Action.CONFIRM_DESTRUCTION, ["A", "B"], [O("A"), O("B", reverse_type=ReverseType.CUSTOMS_DESTROY)], M)
    refusal = batch.refuse(many)
    assert refusal.code == Code.BATCH_REFUSED and refusal.refused == [("A", Code.WRONG_REVERSE_TYPE)]


def test_empty_and_oversized_batches_are_refused(settings):
    with pytest.raises(Refused) as empty:
        batch.check_size([])
    assert empty.value.code == Code.EMPTY_BATCH
    settings.PARCELBACK_MAX_BATCH = 3
    with pytest.raises(Refused) as large:
        batch.check_size(["A", "B", "C", "D"])
    assert large.value.code == Code.BATCH_TOO_LARGE


def test_valid_details_have_no_problems():
    assert batch.detail_problems(self_pickup(), now=NOW) == {}
    assert batch.detail_problems(forward(), now=NOW) == {}
    assert batch.detail_problems(forward(district=""), now=NOW) == {}


@pytest.mark.parametrize(
    "details, problems",
    [
        (self_pickup(expected_pickup_at=NOW - timedelta(minutes=1)), {"expected_pickup_at": "not_in_future"}),
        (self_pickup(expected_pickup_at=None), {"expected_pickup_at": "required"}),
        (self_pickup(picker_name="  "), {"picker_name": "required"}),
        (self_pickup(picker_phone="call me"), {"picker_phone": "invalid_phone"}),
        (self_pickup(picker_phone="123"), {"picker_phone": "invalid_phone"}),
        (forward(street="", postcode=""), {"street": "required", "postcode": "required"}),
        (forward(recipient_phone=""), {"recipient_phone": "required"}),
        (self_pickup(picker_phone="12345678901"), {"picker_phone": "invalid_phone"}),  # no mainland mobile is 12…
        (forward(postcode="3111"), {"postcode": "invalid_postcode"}),
        (forward(country="Narnia"), {"country": "unknown_country"}),
        (forward(country="日本", province="東京都", city="", postcode="100-0001"), {}),
        (batch.PickupDetails(method="teleport"), {"method": "required"}),
        (batch.PickupDetails(method=PickupMethod.FORWARD), {"forward": "required"}),
        # One form for the batch: details of both methods at once are mixed methods.
        (
            batch.PickupDetails(method=PickupMethod.SELF_PICKUP, self_pickup=self_pickup().self_pickup, forward=forward().forward),
            {"forward": "mixed_methods"},
        ),
    ],
)
def test_detail_problems(details, problems):
    assert batch.detail_problems(details, now=NOW) == problems
