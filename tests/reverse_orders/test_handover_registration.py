"""Handing over a whole self-pickup registration with its one code, and the second look a handover deserves when
the person or an open exception does not fit: allowed only with a reason, which the event keeps."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import (
    Event,
    EventKind,
    ExceptionState,
    Execution,
    OrderException,
    PickupCode,
    PickupMethod,
    ReverseType,
    Status,
)

from ..factories import ReverseOrderFactory
from ..helpers import client_for, refused_with

pytestmark = pytest.mark.django_db


def register_batch(world, count=3, *, arrived=None):
    """A self-pickup batch of shop1 in Tokyo for 张三; `arrived` (indexes) are at the warehouse, the rest not yet."""
    arrived = range(count) if arrived is None else arrived
    orders = [
        ReverseOrderFactory(
            shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN,
            arrived_at=(timezone.now() - timedelta(days=1)) if n in arrived else None,
        )
        for n in range(count)
    ]
    details = batch.PickupDetails(
        method=PickupMethod.SELF_PICKUP,
        self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
    )
    code = services.register_pickup(actor=world.merchant1, numbers=[o.number for o in orders], details=details).pickup_code
    return orders, code


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**8:08d}"


def statuses(orders):
    return [type(o).objects.get(pk=o.pk).status for o in orders]


def test_hands_over_every_arrived_order_of_the_registration_with_one_code(world):
    orders, code = register_batch(world, 3, arrived=(0, 1))
    services.hand_over(actor=world.provider1, number=orders[0].number, pickup_code=code, handed_to="张三", whole_registration=True)
    assert statuses(orders) == [Status.PICKED_UP, Status.PICKED_UP, Status.AWAITING_PICKUP]
    events = Event.objects.filter(kind=EventKind.HANDED_OVER).order_by("order_id")
    assert [e.order_id for e in events] == [orders[0].pk, orders[1].pk]
    assert events[0].data == {"handed_to": "张三", "orders": [orders[0].number, orders[1].number]}
    assert Execution.objects.filter(handed_to="张三").count() == 2


def test_single_handover_leaves_the_rest_of_the_registration(world):
    orders, code = register_batch(world, 2)
    services.hand_over(actor=world.provider1, number=orders[1].number, pickup_code=code, handed_to="张三")
    assert statuses(orders) == [Status.AWAITING_PICKUP, Status.PICKED_UP]


def test_wrong_code_for_a_whole_registration_counts_once_and_hands_over_nothing(world):
    orders, code = register_batch(world, 3)
    with pytest.raises(Refused) as caught:
        services.hand_over(
            actor=world.provider1, number=orders[0].number, pickup_code=wrong(code), handed_to="张三", whole_registration=True
        )
    assert caught.value.code == Code.PICKUP_CODE_MISMATCH
    assert statuses(orders) == [Status.AWAITING_PICKUP] * 3
    assert PickupCode.objects.get().wrong_attempts == 1
    assert Event.objects.filter(kind=EventKind.HANDOVER_REFUSED).count() == 1
    assert not Execution.objects.exists()


def test_another_person_needs_a_reason_when_the_caller_asks(world):
    orders, code = register_batch(world, 1)
    with refused_with(Code.HANDOVER_NEEDS_REASON, field="override_reason"):
        services.hand_over(actor=world.provider1, number=orders[0].number, pickup_code=code, handed_to="李四", override_reason="")
    assert PickupCode.objects.get().wrong_attempts == 0
    services.hand_over(
        actor=world.provider1, number=orders[0].number, pickup_code=code, handed_to="李四", override_reason="张三委托,已核对授权书"
    )
    event = Event.objects.get(kind=EventKind.HANDED_OVER)
    assert event.data == {"handed_to": "李四", "warnings": ["handed_to_differs"], "reason": "张三委托,已核对授权书"}


def test_open_exception_needs_a_reason(world):
    orders, code = register_batch(world, 2)
    services.raise_exception(actor=world.provider1, number=orders[1].number, type=OrderException.Type.DAMAGED, description="外箱破损")
    with refused_with(Code.HANDOVER_NEEDS_REASON):
        services.hand_over(
            actor=world.provider1, number=orders[0].number, pickup_code=code, handed_to=" 张三 ", whole_registration=True,
            override_reason="  ",
        )
    # The order alone has no exception and goes to the registered picker: no second look needed.
    services.hand_over(actor=world.provider1, number=orders[0].number, pickup_code=code, handed_to="张三", override_reason="")
    assert statuses(orders) == [Status.PICKED_UP, Status.AWAITING_PICKUP]


def test_api_without_a_reason_records_the_warning_and_keeps_working(world, api):
    orders, code = register_batch(world, 2)
    response = api(world.provider1).post(
        f"/reverse-orders/{orders[0].number}/handover", {"pickup_code": code, "handed_to": "王小明", "whole_registration": True}
    )
    assert response.status_code == 200, response.content
    assert statuses(orders) == [Status.PICKED_UP, Status.PICKED_UP]
    assert Event.objects.filter(kind=EventKind.HANDED_OVER).first().data["warnings"] == ["handed_to_differs"]


def test_api_with_a_blank_reason_is_refused(world, api):
    orders, code = register_batch(world, 1)
    response = api(world.provider1).post(
        f"/reverse-orders/{orders[0].number}/handover", {"pickup_code": code, "handed_to": "王小明", "override_reason": ""}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "handover_needs_reason"
    assert statuses(orders) == [Status.AWAITING_PICKUP]


def test_detail_page_offers_the_whole_registration_and_hands_it_over(world, client):
    orders, code = register_batch(world, 3, arrived=(0, 1))
    client_for(client, world.provider1)
    page = client.get(f"/orders/{orders[0].number}/").content.decode()
    assert "交付本次登记的全部已到仓单据 (2 条)" in page
    assert orders[1].number in page and orders[2].number not in page.split('id="handover-group"')[1].split("</p>")[0]
    response = client.post(
        f"/orders/{orders[0].number}/handover/", {"pickup_code": code, "handed_to": "张三", "whole_registration": "1"}
    )
    assert response.status_code == 302
    assert statuses(orders) == [Status.PICKED_UP, Status.PICKED_UP, Status.AWAITING_PICKUP]


def test_detail_page_warns_and_asks_for_a_reason(world, client):
    orders, code = register_batch(world, 1)
    client_for(client, world.provider1)
    response = client.post(f"/orders/{orders[0].number}/handover/", {"pickup_code": code, "handed_to": "李四"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "交付对象“李四”与登记的提货人“张三”不一致" in page and 'name="override_reason"' in page
    assert statuses(orders) == [Status.AWAITING_PICKUP]
    response = client.post(
        f"/orders/{orders[0].number}/handover/", {"pickup_code": code, "handed_to": "李四", "override_reason": "本人委托"}
    )
    assert response.status_code == 302
    assert Event.objects.get(kind=EventKind.HANDED_OVER).data["reason"] == "本人委托"


def test_detail_page_shows_the_open_exception_warning_before_submitting(world, client):
    orders, _code = register_batch(world, 1)
    services.raise_exception(actor=world.provider1, number=orders[0].number, type=OrderException.Type.DAMAGED, description="外箱破损")
    assert type(orders[0]).objects.get(pk=orders[0].pk).exception_state == ExceptionState.PENDING
    page = client_for(client, world.provider1).get(f"/orders/{orders[0].number}/").content.decode()
    assert "单据有未完结的异常" in page and 'name="override_reason"' in page
