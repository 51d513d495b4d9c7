"""Every action against the real database: its happy path, and each refusal leaving nothing behind."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import (
    DeadlinePolicy,
    Event,
    ExceptionState,
    Execution,
    OrderException,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
    ReverseType,
    Status,
)
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import refused_with

pytestmark = pytest.mark.django_db


def pickup_details(**changes):
    fields = {"expected_pickup_at": timezone.now() + timedelta(days=2), "picker_name": "张三", "picker_phone": "13800138000"}
    return batch.PickupDetails(method=PickupMethod.SELF_PICKUP, self_pickup=batch.SelfPickupDetails(**(fields | changes)))


def forward_details():
    return batch.PickupDetails(
        method=PickupMethod.FORWARD,
        forward=batch.ForwardDetails(
            recipient_name="李四", recipient_phone="13900001234", country="中国", province="浙江省", city="杭州市",
            street="文一西路 969 号", postcode="311121",
        ),
        remark="原包装",
    )


def order(world, **fields):
    return ReverseOrderFactory(**({"shop": world.shop1, "warehouse": world.wh_a1} | fields))


def events(o) -> list[str]:
    return list(Event.objects.filter(order=o).values_list("kind", flat=True))


def outbox(o) -> list[str]:
    return list(OutboxMessage.objects.filter(order_number=o.number).values_list("event_type", flat=True))


# --- create and arrive ------------------------------------------------------------------------------


def new_order(ref="R-1", **changes):
    fields = dict(
        external_ref=ref, shop="shop1", warehouse="tokyo", reverse_type=ReverseType.CUSTOMS_RETURN,
        business_mode="consignment", owner_id="OWN-1", owner_name="花王株式会社", sales_return_no="ST1", order_no="OD1",
        lines=[services.NewLine(product_id="3561", product_name="蒸汽眼罩", goods_id="70012", goods_name="蒸汽眼罩 12片", quantity=2)],
    )
    return services.NewOrder(**(fields | changes))


def test_provider_creates_orders_with_numbers_deadlines_and_events(world):
    DeadlinePolicy.objects.create(reverse_type=ReverseType.CUSTOMS_DESTROY, days=7)
    now = timezone.now()
    result = services.create_orders(
        actor=world.provider1,
        orders=[new_order("R-1"), new_order("R-2", reverse_type=ReverseType.CUSTOMS_DESTROY, warehouse="sydney")],
        now=now,
    )
    assert [(r.external_ref, r.created) for r in result] == [("R-1", True), ("R-2", True)]
    first, second = (ReverseOrder.objects.get(number=r.order.number) for r in result)
    day = timezone.localdate(now).strftime("%Y%m%d")
    assert [first.number, second.number] == [f"RV{day}000001", f"RV{day}000002"]
    assert first.provider == world.provider_a and first.status == Status.AWAITING_INSTRUCTION
    assert first.instruction_deadline == now + timedelta(days=15)
    assert second.instruction_deadline == now + timedelta(days=7)
    assert list(first.lines.values_list("goods_id", "quantity")) == [("70012", 2)]
    assert events(first) == ["created"] and outbox(first) == ["reverse_order.created"]


def test_creating_the_same_external_ref_again_returns_the_existing_order(world):
    first = services.create_orders(actor=world.provider1, orders=[new_order("R-1")])[0]
    again = services.create_orders(actor=world.provider1, orders=[new_order("R-1"), new_order("R-2")])
    assert (again[0].order.number, again[0].created) == (first.order.number, False)
    assert again[1].created
    assert ReverseOrder.objects.count() == 2 and Event.objects.filter(kind="created").count() == 2


def test_refuses_creation_in_another_providers_warehouse_and_writes_nothing(world):
    with refused_with(Code.INVALID) as refusal:
        services.create_orders(actor=world.provider1, orders=[new_order("R-1"), new_order("R-2", warehouse="la")])
    assert refusal.value.errors == {"orders[1].warehouse": Code.UNKNOWN_WAREHOUSE}
    assert ReverseOrder.objects.count() == 0


def test_refuses_creation_with_bad_rows_listing_each_problem(world):
    with refused_with(Code.INVALID) as refusal:
        services.create_orders(
            actor=world.provider1,
            orders=[new_order("R-1", shop="nope"), new_order("R-1", reverse_type="lost", lines=[]), new_order("R-3", business_mode="x")],
        )
    assert refusal.value.errors == {
        "orders[0].shop": Code.UNKNOWN_SHOP,
        "orders[1].external_ref": "duplicate_in_batch",
        "orders[1].reverse_type": "invalid_choice",
        "orders[1].lines": "required",
        "orders[2].business_mode": "invalid_choice",
    }


def test_merchant_may_not_create_orders(world):
    with refused_with(Code.NOT_PERMITTED):
        services.create_orders(actor=world.merchant1, orders=[new_order()])


def test_arrival_restarts_the_instruction_clock(world):
    o = order(world, arrived_at=None, instruction_deadline=timezone.now() + timedelta(days=3))
    at = timezone.now() - timedelta(hours=1)
    services.record_arrival(actor=world.provider1, numbers=[o.number], at=at)
    o.refresh_from_db()
    assert o.arrived_at == at and o.instruction_deadline == at + timedelta(days=15)
    assert events(o) == ["arrived"] and outbox(o) == ["reverse_order.arrived"]


def test_refuses_second_arrival(world):
    o = order(world)
    with refused_with(Code.ALREADY_ARRIVED):
        services.record_arrival(actor=world.provider1, numbers=[o.number])


# --- the merchant's instructions --------------------------------------------------------------------


def test_self_pickup_batch_registers_every_order_with_one_code(world):
    a, b = order(world), order(world, reverse_type=ReverseType.WAREHOUSE_INTERCEPT)
    registered = services.register_pickup(actor=world.merchant1, numbers=[a.number, b.number], details=pickup_details())
    assert len(registered.pickup_code) == 8 and registered.pickup_code.isdigit()
    for o in (a, b):
        o.refresh_from_db()
        assert (o.status, o.pickup_method) == (Status.AWAITING_PICKUP, PickupMethod.SELF_PICKUP)
        reg = o.registration
        assert (reg.picker_name, reg.picker_phone) == ("张三", "13800138000")
        assert reg.pickup_code_hash == services.hash_pickup_code(registered.pickup_code)
        assert registered.pickup_code not in reg.pickup_code_hash
        assert events(o) == ["pickup_registered"] and outbox(o) == ["reverse_order.pickup_registered"]
    assert "pickup_code_hash" not in Event.objects.filter(order=a).get().data


def test_forward_registration_keeps_the_address_and_issues_no_code(world):
    o = order(world, reverse_type=ReverseType.INTERCEPT_REJECT)
    registered = services.register_pickup(actor=world.merchant1, numbers=[o.number], details=forward_details())
    assert registered.pickup_code is None
    reg = PickupRegistration.objects.get(order=o)
    assert (reg.method, reg.city, reg.postcode, reg.remark, reg.pickup_code_hash) == ("forward", "杭州市", "311121", "原包装", "")


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda w: order(w, reverse_type=ReverseType.CUSTOMS_DESTROY), Code.WRONG_REVERSE_TYPE),
        (lambda w: order(w, status=Status.AWAITING_PICKUP, pickup_method="forward"), Code.ALREADY_REGISTERED),
        (lambda w: order(w, status=Status.CANCELLED), Code.WRONG_STATUS),
        (lambda w: order(w, shop=w.shop2), Code.NOT_FOUND),
    ],
)
def test_refuses_registration_and_writes_nothing(world, make, code):
    o = make(world)
    with refused_with(code, refused=[(o.number, code)]):
        services.register_pickup(actor=world.merchant1, numbers=[o.number], details=pickup_details())


def test_viewer_and_provider_may_not_register(world):
    o = order(world)
    for actor in (world.viewer1, world.provider1):
        with refused_with(Code.NOT_PERMITTED):
            services.register_pickup(actor=actor, numbers=[o.number], details=pickup_details())


def test_refuses_registration_with_bad_details_naming_the_field(world):
    o = order(world)
    with refused_with(Code.INVALID, field="expected_pickup_at"):
        services.register_pickup(
            actor=world.merchant1, numbers=[o.number], details=pickup_details(expected_pickup_at=timezone.now() - timedelta(hours=1))
        )


@pytest.mark.parametrize(
    "spoiler, code",
    [
        (lambda w: order(w, shop=w.shop2), Code.NOT_FOUND),  # one foreign-shop order
        (lambda w: order(w, status=Status.AWAITING_PICKUP, pickup_method="self_pickup"), Code.ALREADY_REGISTERED),
        (lambda w: order(w, reverse_type=ReverseType.CUSTOMS_DESTROY), Code.WRONG_REVERSE_TYPE),
        (lambda w: order(w, warehouse=w.wh_a2), Code.MIXED_WAREHOUSES),  # 自提 across two warehouses
    ],
)
def test_refuses_whole_batch_when_one_order_is_ineligible(world, spoiler, code):
    good = [order(world) for _ in range(3)]
    bad = spoiler(world)
    numbers = [o.number for o in good] + [bad.number]
    with refused_with(Code.BATCH_REFUSED, refused=[(bad.number, code)]):
        services.register_pickup(actor=world.merchant1, numbers=numbers, details=pickup_details())


def test_forward_batch_may_span_warehouses(world):
    a, b = order(world), order(world, warehouse=world.wh_a2)
    services.register_pickup(actor=world.merchant1, numbers=[a.number, b.number], details=forward_details())
    assert set(ReverseOrder.objects.values_list("status", flat=True)) == {Status.AWAITING_PICKUP}


def test_confirm_destruction_needs_the_second_confirmation(world):
    o = order(world, reverse_type=ReverseType.CUSTOMS_DESTROY)
    with refused_with(Code.CONFIRMATION_REQUIRED, field="confirm"):
        services.confirm_destruction(actor=world.merchant1, numbers=[o.number], confirm=False)
    services.confirm_destruction(actor=world.merchant1, numbers=[o.number], confirm=True)
    o.refresh_from_db()
    assert o.status == Status.AWAITING_DESTRUCTION and o.destruction_confirmation.confirmed_by_id == world.merchant1.user_id
    assert events(o) == ["destruction_confirmed"] and outbox(o) == ["reverse_order.destruction_confirmed"]


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"reverse_type": ReverseType.CUSTOMS_RETURN}, Code.WRONG_REVERSE_TYPE),
        ({"status": Status.AWAITING_DESTRUCTION}, Code.ALREADY_CONFIRMED),
        ({"status": Status.CANCELLED}, Code.WRONG_STATUS),
    ],
)
def test_refuses_destruction_confirmation(world, fields, code):
    o = order(world, **({"reverse_type": ReverseType.CUSTOMS_DESTROY} | fields))
    with refused_with(code):
        services.confirm_destruction(actor=world.merchant1, numbers=[o.number], confirm=True)


# --- the provider's execution -----------------------------------------------------------------------


def registered(world, details=None, **fields):
    o = order(world, **fields)
    result = services.register_pickup(actor=world.merchant1, numbers=[o.number], details=details or pickup_details())
    o.refresh_from_db()
    return o, result.pickup_code


def test_hand_over_with_the_right_code(world):
    o, code = registered(world)
    services.hand_over(actor=world.provider1, number=o.number, pickup_code=code, handed_to="张三")
    o.refresh_from_db()
    assert o.status == Status.PICKED_UP and o.execution.handed_to == "张三"
    assert events(o) == ["pickup_registered", "handed_over"]


def test_refuses_hand_over_with_a_wrong_code(world):
    o, code = registered(world)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    with pytest.raises(Refused) as caught:
        services.hand_over(actor=world.provider1, number=o.number, pickup_code=wrong, handed_to="张三")
    assert (caught.value.code, caught.value.field) == (Code.PICKUP_CODE_MISMATCH, "pickup_code")
    o.refresh_from_db()
    assert o.status == Status.AWAITING_PICKUP and not Execution.objects.filter(order=o).exists()
    # The attempt stays on the timeline (test_pickup_codes.py covers what it holds); it is not announced.
    assert events(o) == ["pickup_registered", "handover_refused"]


def test_refuses_hand_over_before_arrival_and_by_another_provider(world):
    o, code = registered(world, arrived_at=None)
    with refused_with(Code.NOT_ARRIVED):
        services.hand_over(actor=world.provider1, number=o.number, pickup_code=code, handed_to="张三")
    with refused_with(Code.NOT_FOUND):
        services.hand_over(actor=world.provider2, number=o.number, pickup_code=code, handed_to="张三")


def test_forward_records_carrier_and_tracking(world):
    o, _ = registered(world, details=forward_details())
    with refused_with(Code.INVALID, field="tracking_number"):
        services.forward(actor=world.provider1, number=o.number, carrier="顺丰", tracking_number=" ")
    services.forward(actor=world.provider1, number=o.number, carrier="顺丰", tracking_number="SF123")
    o.refresh_from_db()
    assert (o.status, o.execution.carrier, o.execution.tracking_number) == (Status.FORWARDED, "顺丰", "SF123")


def test_refuses_forwarding_a_self_pickup_order(world):
    o, _ = registered(world)
    with refused_with(Code.WRONG_PICKUP_METHOD):
        services.forward(actor=world.provider1, number=o.number, carrier="顺丰", tracking_number="SF1")


def png(name="photo.png"):
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def test_destroy_with_evidence(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    o = order(world, reverse_type=ReverseType.CUSTOMS_DESTROY, status=Status.AWAITING_DESTRUCTION)
    at = timezone.now() - timedelta(hours=2)
    services.destroy(actor=world.provider1, number=o.number, destroyed_at=at, method="焚烧", evidence=[png(), png("b.png")])
    o.refresh_from_db()
    assert o.status == Status.DESTROYED and o.execution.destroyed_at == at
    assert [(e.content_type, e.size) for e in o.execution.evidence.all()] == [("image/png", len(tiny_png()))] * 2
    assert events(o) == ["destroyed"] and outbox(o) == ["reverse_order.destroyed"]


@pytest.mark.parametrize(
    "evidence, problem",
    [
        ([], "required"),
        ([SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")], "unsupported_file_type"),
    ],
)
def test_refuses_destruction_without_real_evidence(world, evidence, problem):
    o = order(world, reverse_type=ReverseType.CUSTOMS_DESTROY, status=Status.AWAITING_DESTRUCTION)
    with refused_with(Code.INVALID, errors={"evidence": problem}):
        services.destroy(actor=world.provider1, number=o.number, destroyed_at=timezone.now(), method="焚烧", evidence=evidence)


def test_refuses_destruction_before_confirmation(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    o = order(world, reverse_type=ReverseType.CUSTOMS_DESTROY)
    with refused_with(Code.WRONG_STATUS):
        services.destroy(actor=world.provider1, number=o.number, destroyed_at=timezone.now(), method="焚烧", evidence=[png()])


def test_cancel_only_before_an_instruction(world):
    o = order(world)
    with refused_with(Code.INVALID, field="reason"):
        services.cancel(actor=world.provider1, number=o.number, reason="")
    services.cancel(actor=world.provider1, number=o.number, reason="重复建单")
    o.refresh_from_db()
    assert o.status == Status.CANCELLED and Event.objects.get(order=o).data == {"reason": "重复建单"}
    registered_order, _ = registered(world)
    with refused_with(Code.WRONG_STATUS):
        services.cancel(actor=world.admin, number=registered_order.number, reason="x")


# --- exceptions -------------------------------------------------------------------------------------


def test_exception_lifecycle_keeps_the_status(world):
    o, _ = registered(world)
    exc = services.raise_exception(actor=world.provider1, number=o.number, type="damaged", description="外箱破损")
    with refused_with(Code.EXCEPTION_OPEN):
        services.raise_exception(actor=world.provider1, number=o.number, type="lost", description="再报一次")
    services.comment_exception(actor=world.merchant1, number=o.number, exception_id=exc.pk, body="请拍照")
    services.resolve_exception(actor=world.merchant1, number=o.number, exception_id=exc.pk, note="已确认完好")
    o.refresh_from_db()
    exc.refresh_from_db()
    assert (o.status, o.exception_state) == (Status.AWAITING_PICKUP, ExceptionState.RESOLVED)
    assert (exc.is_open, exc.resolution_note, exc.comments.get().body) == (False, "已确认完好", "请拍照")
    assert events(o) == ["pickup_registered", "exception_raised", "exception_commented", "exception_resolved"]
    assert outbox(o)[-3:] == ["exception.raised", "exception.commented", "exception.resolved"]
    # A new exception may be raised later.
    services.raise_exception(actor=world.provider1, number=o.number, type="other", description="又一个问题")
    assert OrderException.objects.filter(order=o).count() == 2


def test_refuses_exception_actions_out_of_turn(world):
    o = order(world)
    with refused_with(Code.EXCEPTION_NOT_OPEN):
        services.comment_exception(actor=world.merchant1, number=o.number, exception_id=1, body="?")
    with refused_with(Code.NOT_PERMITTED):
        services.raise_exception(actor=world.viewer1, number=o.number, type="damaged", description="x")
    with refused_with(Code.INVALID, errors={"type": "invalid_choice"}):
        services.raise_exception(actor=world.provider1, number=o.number, type="alien", description="x")
    exc = services.raise_exception(actor=world.provider1, number=o.number, type="damaged", description="x")
    with refused_with(Code.NOT_PERMITTED):
        services.resolve_exception(actor=world.viewer1, number=o.number, exception_id=exc.pk, note="x")
    with refused_with(Code.NOT_FOUND):
        services.resolve_exception(actor=world.merchant2, number=o.number, exception_id=exc.pk, note="x")
