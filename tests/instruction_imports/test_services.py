"""The plan checks every row with the dialogs' rules and groups the good rows into the registrations they form;
submission writes each group through the dialogs' services, all or nothing per group."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.core.errors import Code, Refused
from parcelback.instruction_imports import services
from parcelback.instruction_imports.models import InstructionImport
from parcelback.instruction_imports.services import Outcome
from parcelback.reverse_orders.models import PickupRegistration, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import nothing_written
from .helpers import forward, rows_of, self_pickup

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world):
    make = ReverseOrderFactory
    return {
        "t1": make(shop=world.shop1, warehouse=world.wh_a1),
        "t2": make(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.INTERCEPT_REJECT),
        "s1": make(shop=world.shop1, warehouse=world.wh_a2),
        "f1": make(shop=world.shop1, warehouse=world.wh_b1),
        "d1": make(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY),
        "d2": make(shop=world.shop1, warehouse=world.wh_a2, reverse_type=ReverseType.CUSTOMS_DESTROY),
        "other": make(shop=world.shop2, warehouse=world.wh_a1),
        "done": make(shop=world.shop1, warehouse=world.wh_a1, status=Status.AWAITING_PICKUP),
    }


def test_groups_identical_instructions_and_splits_self_pickup_by_warehouse(world, orders):
    sp, fw = self_pickup(), forward()
    rows = rows_of(
        (orders["t1"].number, sp), (orders["t2"].number, sp), (orders["s1"].number, sp), (orders["f1"].number, fw),
        (orders["d1"].number, {"method": "销毁"}), (orders["d2"].number, {"method": "destroy"}),
    )
    planned = services.plan(actor=world.merchant1, rows=rows)
    assert planned.refused == []
    assert [(g.method, g.warehouse and g.warehouse.code, g.numbers) for g in planned.groups] == [
        ("self_pickup", "tokyo", [orders["t1"].number, orders["t2"].number]),
        ("self_pickup", "sydney", [orders["s1"].number]),
        ("forward", None, [orders["f1"].number]),
        ("destroy", None, [orders["d1"].number, orders["d2"].number]),
    ]


def test_different_details_form_different_groups(world, orders):
    rows = rows_of((orders["t1"].number, self_pickup()), (orders["t2"].number, self_pickup(picker_name="王五")))
    planned = services.plan(actor=world.merchant1, rows=rows)
    assert [g.numbers for g in planned.groups] == [[orders["t1"].number], [orders["t2"].number]]


def test_names_each_cells_problem_with_the_dialogs_codes(world, orders):
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    rows = rows_of(
        (orders["t1"].number, self_pickup(expected_pickup_at=past, picker_phone="12")),
        (orders["t2"].number, forward(country="", recipient_name="")),
        (orders["s1"].number, {"method": "寄回"}),
        (orders["f1"].number, self_pickup(expected_pickup_at="明天")),
        (orders["d1"].number, self_pickup()),  # a destruction order cannot be picked up
        (orders["t1"].number + "X", {"method": "销毁"}),
        (orders["other"].number, self_pickup()),
        (orders["done"].number, self_pickup()),
        ("", self_pickup()),
    )
    problems = [row["problems"] for row in services.plan(actor=world.merchant1, rows=rows).rows]
    assert problems == [
        {"expected_pickup_at": "not_in_future", "picker_phone": "invalid_phone"},
        {"recipient_name": "required", "country": "required"},
        {"method": "invalid_choice"},
        {"expected_pickup_at": "invalid_datetime"},
        {"number": "wrong_reverse_type"},
        {"number": "not_found"},
        {"number": "not_found"},
        {"number": "already_registered"},
        {"number": "required"},
    ]


def test_a_number_twice_refuses_every_line_of_it(world, orders):
    number = orders["t1"].number
    planned = services.plan(actor=world.merchant1, rows=rows_of((number, self_pickup()), (number, forward())))
    assert [r["problems"] for r in planned.rows] == [{"number": "duplicate_in_batch"}] * 2
    assert planned.groups == []


def test_rows_without_a_method_are_left_for_later(world, orders):
    planned = services.plan(actor=world.merchant1, rows=rows_of((orders["t1"].number, {}), (orders["t2"].number, self_pickup())))
    assert [r["outcome"] for r in planned.rows] == [Outcome.SKIPPED, ""]
    assert [g.numbers for g in planned.groups] == [[orders["t2"].number]]


def test_too_long_text_is_a_cells_problem_not_a_crash(world, orders):
    planned = services.plan(actor=world.merchant1, rows=rows_of((orders["t1"].number, self_pickup(picker_name="长" * 81))))
    assert planned.rows[0]["problems"] == {"picker_name": "too_long"}


@pytest.mark.parametrize("who", ["viewer1", "provider1", "admin"])
def test_only_merchant_operators_import(world, orders, who):
    with pytest.raises(Refused) as caught:
        services.plan(actor=getattr(world, who), rows=rows_of((orders["t1"].number, self_pickup())))
    assert caught.value.code == Code.NOT_PERMITTED


def _recorded(world, rows):
    planned = services.plan(actor=world.merchant1, rows=rows)
    return services.record(actor=world.merchant1, file_name="指令.xlsx", planned=planned)


def test_submits_only_the_valid_groups_with_one_code_per_group(world, orders):
    sp = self_pickup()
    record = _recorded(world, rows_of(
        (orders["t1"].number, sp), (orders["t2"].number, sp), (orders["s1"].number, sp),
        (orders["d1"].number, {"method": "销毁"}), (orders["other"].number, sp), (orders["f1"].number, {}),
    ))
    done = services.submit(actor=world.merchant1, import_id=record.pk, only_valid=True)
    assert [g.numbers for g in done.groups] == [[orders["t1"].number, orders["t2"].number], [orders["s1"].number], [orders["d1"].number]]
    assert [(g.index, sorted(o.number for o in c.orders)) for g, c in done.codes] == [
        (1, sorted([orders["t1"].number, orders["t2"].number])), (2, [orders["s1"].number]),
    ]
    hashes = PickupRegistration.objects.filter(order__in=[orders["t1"], orders["t2"]]).values_list("pickup_code_id", flat=True)
    assert len(set(hashes)) == 1
    statuses = {k: o.status for k, o in ((k, type(o).objects.get(pk=o.pk)) for k, o in orders.items())}
    assert statuses["t1"] == statuses["t2"] == statuses["s1"] == Status.AWAITING_PICKUP
    assert statuses["d1"] == Status.AWAITING_DESTRUCTION
    assert statuses["f1"] == Status.AWAITING_INSTRUCTION
    record.refresh_from_db()
    assert record.status == InstructionImport.Status.SUBMITTED and record.submitted_at is not None
    assert [r["outcome"] for r in record.rows] == [
        Outcome.REGISTERED, Outcome.REGISTERED, Outcome.REGISTERED, Outcome.DESTRUCTION_CONFIRMED, Outcome.REFUSED,
        Outcome.SKIPPED,
    ]


def test_submit_all_with_a_refused_row_writes_nothing(world, orders):
    record = _recorded(world, rows_of((orders["t1"].number, self_pickup()), (orders["other"].number, self_pickup())))
    with nothing_written(), pytest.raises(Refused) as caught:
        services.submit(actor=world.merchant1, import_id=record.pk, only_valid=False)
    assert caught.value.code == Code.BATCH_REFUSED
    assert caught.value.refused == [(orders["other"].number, Code.NOT_FOUND)]
    record.refresh_from_db()
    assert record.status == InstructionImport.Status.PLANNED


def test_an_import_is_submitted_once(world, orders):
    record = _recorded(world, rows_of((orders["t1"].number, self_pickup())))
    services.submit(actor=world.merchant1, import_id=record.pk, only_valid=False)
    with nothing_written(), pytest.raises(Refused) as caught:
        services.submit(actor=world.merchant1, import_id=record.pk, only_valid=False)
    assert caught.value.code == Code.ALREADY_SUBMITTED


def test_a_group_refused_at_submission_leaves_the_others_standing(world, orders):
    record = _recorded(world, rows_of(
        (orders["t1"].number, self_pickup()), (orders["f1"].number, forward()),
    ))
    # Between plan and submission someone registers t1 from the dialog: the plan, checked again, refuses it.
    from ..helpers import registered

    registered(world, orders["t1"])
    done = services.submit(actor=world.merchant1, import_id=record.pk, only_valid=True)
    assert [g.numbers for g in done.groups] == [[orders["f1"].number]]
    record.refresh_from_db()
    assert [(r["outcome"], r["problems"]) for r in record.rows] == [
        (Outcome.REFUSED, {"number": "already_registered"}), (Outcome.REGISTERED, {}),
    ]


def test_another_shops_import_is_not_found(world, orders):
    record = _recorded(world, rows_of((orders["t1"].number, self_pickup())))
    with nothing_written(), pytest.raises(Refused) as caught:
        services.submit(actor=world.merchant2, import_id=record.pk, only_valid=True)
    assert caught.value.code == Code.NOT_FOUND
