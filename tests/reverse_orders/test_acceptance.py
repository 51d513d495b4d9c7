"""The merchant's answer to an execution (确认处理结果 / 有异议): the step after 已提货 / 已转寄 / 已销毁, all or nothing,
exactly once per execution, accepted by the system's sweep after the window; a dispute opens an exception resolved
with an outcome."""
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.utils import timezone

from parcelback.core.errors import Code, Refused
from parcelback.reverse_orders import jobs, services
from parcelback.reverse_orders.models import (
    AcceptanceState,
    Event,
    ExceptionState,
    ExecutionAcceptance,
    OrderException,
    ReverseOrder,
    ReverseType,
    Status,
)
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import refused_with

pytestmark = pytest.mark.django_db

EVIDENCE = services.Dispute("evidence", "销毁照片看不清单号,请补拍")


def executed(world, n=1, *, shop=None, days_ago=1, **fields):
    """Orders the warehouse destroyed `days_ago` days ago, waiting for the merchant's answer."""
    at = timezone.now() - timedelta(days=days_ago)
    return [
        ReverseOrderFactory(
            shop=shop or world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY,
            status=Status.DESTROYED, executed_at=at, **({"acceptance_state": AcceptanceState.PENDING} | fields),
        )
        for _ in range(n)
    ]


def numbers(orders):
    return [o.number for o in orders]


def kinds(order):
    return list(Event.objects.filter(order=order).values_list("kind", flat=True))


def announced(order):
    return list(OutboxMessage.objects.filter(order_number=order.number).values_list("event_type", flat=True))


def test_every_execution_waits_for_the_merchants_answer(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from .test_services import png

    order = ReverseOrderFactory(
        shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY, status=Status.AWAITING_DESTRUCTION
    )
    services.destroy(actor=world.provider1, number=order.number, destroyed_at=timezone.now(), method="焚烧", evidence=[png()])
    order.refresh_from_db()
    assert (order.status, order.acceptance_state) == (Status.DESTROYED, AcceptanceState.PENDING)


def test_batch_acceptance_records_one_answer_per_order_and_announces_it(world):
    orders = executed(world, 3)
    done = services.answer_executions(actor=world.merchant1, numbers=numbers(orders), result="accepted")
    assert numbers(done) == numbers(orders)
    for order in orders:
        order.refresh_from_db()
        assert order.acceptance_state == AcceptanceState.ACCEPTED and order.status == Status.DESTROYED
        assert (order.acceptance.result, order.acceptance.automatic) == ("accepted", False)
        assert order.acceptance.answered_by_id == world.merchant1.user_id
        assert kinds(order) == ["execution_accepted"] and announced(order) == ["reverse_order.execution_accepted"]


def test_a_dispute_opens_an_exception_per_order_and_announces_it(world):
    order, other = executed(world, 2)
    services.answer_executions(actor=world.merchant1, numbers=[order.number, other.number], result="disputed", dispute=EVIDENCE)
    order.refresh_from_db()
    assert (order.acceptance_state, order.exception_state) == (AcceptanceState.DISPUTED, ExceptionState.PENDING)
    exception = order.acceptance.exception
    assert (exception.type, exception.description, exception.is_open) == ("execution_disputed", EVIDENCE.description, True)
    assert order.acceptance.dispute_type == "evidence"
    assert kinds(order) == ["execution_disputed"] and announced(order) == ["reverse_order.execution_disputed"]
    assert Event.objects.get(order=order).data == {
        "exception_id": exception.pk, "dispute_type": "evidence", "description": EVIDENCE.description
    }
    assert OrderException.objects.filter(order=other, type="execution_disputed").count() == 1


@pytest.mark.parametrize(
    ("result", "dispute", "errors"),
    [
        ("disputed", None, {"dispute": "required"}),
        ("accepted", EVIDENCE, {"dispute": "only_for_dispute"}),
        ("maybe", None, {"result": "invalid_choice"}),
        ("disputed", services.Dispute("nope", "x"), {"dispute.type": "invalid_choice"}),
        ("disputed", services.Dispute("other", " \u200b "), {"dispute.description": "required"}),
        ("disputed", services.Dispute("other", "长" * 2001), {"dispute.description": "too_long"}),
    ],
)
def test_a_malformed_answer_is_refused_with_the_field_and_writes_nothing(world, result, dispute, errors):
    (order,) = executed(world)
    with refused_with(Code.INVALID, errors=errors):
        services.answer_executions(actor=world.merchant1, numbers=[order.number], result=result, dispute=dispute)


def test_one_ineligible_order_refuses_the_whole_batch(world):
    orders = executed(world, 2)
    waiting = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status=Status.AWAITING_PICKUP)
    services.answer_executions(actor=world.merchant1, numbers=[orders[0].number], result="accepted")
    with refused_with(Code.BATCH_REFUSED) as caught:
        services.answer_executions(actor=world.merchant1, numbers=[*numbers(orders), waiting.number], result="accepted")
    assert dict(caught.value.refused) == {orders[0].number: Code.ALREADY_ANSWERED, waiting.number: Code.WRONG_STATUS}


def test_an_answer_is_final_whichever_it_was(world):
    (order,) = executed(world)
    services.answer_executions(actor=world.merchant1, numbers=[order.number], result="disputed", dispute=EVIDENCE)
    for result, dispute in (("accepted", None), ("disputed", EVIDENCE)):
        with refused_with(Code.ALREADY_ANSWERED, refused=[(order.number, Code.ALREADY_ANSWERED)]):
            services.answer_executions(actor=world.merchant1, numbers=[order.number], result=result, dispute=dispute)


def test_a_dispute_waits_for_an_open_exception_but_acceptance_does_not(world):
    orders = executed(world, 2, exception_state=ExceptionState.PENDING)
    with refused_with(Code.EXCEPTION_OPEN, refused=[(orders[0].number, Code.EXCEPTION_OPEN)]):
        services.answer_executions(actor=world.merchant1, numbers=[orders[0].number], result="disputed", dispute=EVIDENCE)
    services.answer_executions(actor=world.merchant1, numbers=[orders[1].number], result="accepted")


def test_only_the_orders_merchant_answers(world):
    (order,) = executed(world)
    for actor, code in ((world.merchant2, Code.NOT_FOUND), (world.viewer1, Code.NOT_PERMITTED), (world.provider1, Code.NOT_PERMITTED)):
        with refused_with(code) as caught:
            services.answer_executions(actor=actor, numbers=[order.number], result="accepted")
        assert caught.value.refused == [(order.number, code)]


def test_orders_executed_before_acceptance_existed_have_nothing_to_answer(world):
    (order,) = executed(world, acceptance_state=AcceptanceState.NONE)
    with refused_with(Code.WRONG_STATUS, refused=[(order.number, Code.WRONG_STATUS)]):
        services.answer_executions(actor=world.merchant1, numbers=[order.number], result="accepted")
    assert services.accept_unanswered(now=timezone.now() + timedelta(days=30)) == 0


def test_the_sweep_accepts_what_was_left_unanswered_past_the_window(world, settings):
    settings.PARCELBACK_ACCEPTANCE_DAYS = 7
    (old,) = executed(world, days_ago=8)
    (recent,) = executed(world, days_ago=6)
    (answered,) = executed(world, days_ago=9)
    services.answer_executions(actor=world.merchant1, numbers=[answered.number], result="disputed", dispute=EVIDENCE)
    assert jobs.sweep_deadlines()["accepted"] == 1
    old.refresh_from_db()
    assert old.acceptance_state == AcceptanceState.ACCEPTED
    assert (old.acceptance.automatic, old.acceptance.answered_by_id) == (True, None)
    event = Event.objects.get(order=old)
    assert (event.kind, event.actor_id, event.data) == ("execution_accepted", None, {"automatic": True})
    assert announced(old) == ["reverse_order.execution_accepted"]
    recent.refresh_from_db()
    answered.refresh_from_db()
    assert (recent.acceptance_state, answered.acceptance_state) == (AcceptanceState.PENDING, AcceptanceState.DISPUTED)
    assert jobs.sweep_deadlines()["accepted"] == 0  # once only


def test_the_window_is_a_setting(world, settings):
    settings.PARCELBACK_ACCEPTANCE_DAYS = 2
    (order,) = executed(world, days_ago=3)
    assert services.accept_unanswered() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_answers_leave_exactly_one(world):
    """Two people answer the same execution at once (one accepts, one disputes): exactly one answer is kept, the
    other is refused as if it came second, and nothing of it is written."""
    (order,) = executed(world)
    barrier, outcomes = threading.Barrier(2), []

    def answer(result, dispute):
        try:
            barrier.wait()
            services.answer_executions(actor=world.merchant1, numbers=[order.number], result=result, dispute=dispute)
            outcomes.append("ok")
        except Refused as refused:
            outcomes.append(refused.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=answer, args=args) for args in (("accepted", None), ("disputed", EVIDENCE))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["already_answered", "ok"]
    assert ExecutionAcceptance.objects.filter(order=order).count() == 1
    answers = Event.objects.filter(order=order, kind__in=["execution_accepted", "execution_disputed"]).count()
    assert answers == 1 and OrderException.objects.filter(order=order).count() == (order.acceptance.result == "disputed")


def resolve(world, exception, actor=None, note="按货值赔付", **outcome):
    return services.resolve_exception(
        actor=actor or world.provider1, number=exception.order.number, exception_id=exception.pk, note=note,
        outcome=services.Outcome(**outcome) if outcome else None,
    )


def disputed(world):
    (order,) = executed(world)
    services.answer_executions(actor=world.merchant1, numbers=[order.number], result="disputed", dispute=EVIDENCE)
    return OrderException.objects.get(order=order)


def test_a_dispute_is_resolved_with_its_outcome_and_compensation(world):
    exception = disputed(world)
    services.comment_exception(actor=world.provider1, number=exception.order.number, exception_id=exception.pk, body="已补拍视频")
    resolved = resolve(world, exception, actor=world.merchant1, outcome="compensated", amount="120.50", currency="CNY")
    assert (resolved.outcome, resolved.compensation_amount, resolved.compensation_currency) == ("compensated", Decimal("120.50"), "CNY")
    event = Event.objects.filter(order=exception.order, kind="exception_resolved").get()
    assert event.data["outcome"] == "compensated" and event.data["compensation_amount"] == "120.50"
    exception.order.refresh_from_db()
    assert (exception.order.exception_state, exception.order.acceptance_state) == (ExceptionState.RESOLVED, AcceptanceState.DISPUTED)


@pytest.mark.parametrize(
    ("outcome", "errors"),
    [
        ({}, {"outcome": "required"}),
        ({"outcome": "sideways"}, {"outcome": "invalid_choice"}),
        ({"outcome": "upheld", "amount": "5", "currency": "CNY"}, {"compensation_amount": "only_for_compensation"}),
        ({"outcome": "compensated"}, {"compensation_amount": "invalid_amount", "compensation_currency": "invalid_currency"}),
        ({"outcome": "compensated", "amount": "0", "currency": "CNY"}, {"compensation_amount": "invalid_amount"}),
        ({"outcome": "compensated", "amount": "1.005", "currency": "CNY"}, {"compensation_amount": "invalid_amount"}),
        ({"outcome": "compensated", "amount": "NaN", "currency": "CNY"}, {"compensation_amount": "invalid_amount"}),
        ({"outcome": "compensated", "amount": "1e12", "currency": "CNY"}, {"compensation_amount": "invalid_amount"}),
        ({"outcome": "compensated", "amount": "1e30", "currency": "CNY"}, {"compensation_amount": "invalid_amount"}),
        ({"outcome": "compensated", "amount": "-5", "currency": "CNY"}, {"compensation_amount": "invalid_amount"}),
        ({"outcome": "compensated", "amount": "10", "currency": "cny"}, {"compensation_currency": "invalid_currency"}),
    ],
)
def test_a_dispute_needs_a_well_formed_outcome(world, outcome, errors):
    exception = disputed(world)
    with refused_with(Code.INVALID, errors=errors):
        resolve(world, exception, **outcome) if outcome else resolve(world, exception)


def test_other_exceptions_take_no_outcome(world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    exception = services.raise_exception(actor=world.provider1, number=order.number, type="damaged", description="外箱破损")
    with refused_with(Code.INVALID, errors={"outcome": "only_for_dispute"}):
        resolve(world, exception, outcome="upheld")
    assert resolve(world, exception).outcome == ""


def test_a_merchant_raises_an_exception_on_an_open_order_only(world):
    waiting = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None, created_at=timezone.now() - timedelta(days=10))
    exception = services.raise_exception(actor=world.merchant1, number=waiting.number, type="not_arrived", description="10 天仍未到仓")
    assert (exception.raised_by_id, exception.type) == (world.merchant1.user_id, "not_arrived")
    (done,) = executed(world)
    with refused_with(Code.WRONG_STATUS):
        services.raise_exception(actor=world.merchant1, number=done.number, type="other", description="x")
    with refused_with(Code.NOT_FOUND):
        services.raise_exception(actor=world.merchant2, number=waiting.number, type="other", description="x")


def test_a_dispute_is_never_raised_by_hand(world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    with refused_with(Code.INVALID, errors={"type": "invalid_choice"}):
        services.raise_exception(actor=world.provider1, number=order.number, type="execution_disputed", description="x")


def test_a_dispute_and_the_replies_carry_evidence_files_kept_on_the_thread(world, settings, tmp_path):
    from .test_services import png

    settings.MEDIA_ROOT = tmp_path
    (order,) = executed(world)
    dispute = services.Dispute("evidence", "照片看不清", files=(png("a.png"),))
    services.answer_executions(actor=world.merchant1, numbers=[order.number], result="disputed", dispute=dispute)
    exception = OrderException.objects.get(order=order)
    services.comment_exception(
        actor=world.provider1, number=order.number, exception_id=exception.pk, body="补拍的视频截图", files=[png("b.png"), png("c.png")]
    )
    assert [(f.comment_id is None, f.content_type) for f in exception.files.order_by("id")] == [
        (True, "image/png"), (False, "image/png"), (False, "image/png")
    ]
    assert [len(f) for f in (exception.own_files, exception.comments.get().files.all())] == [1, 2]
    assert Event.objects.get(order=order, kind="execution_disputed").data["files"] == 1
    assert Event.objects.get(order=order, kind="exception_commented").data["files"] == 2


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        (lambda png: [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")], "unsupported_file_type"),
        (lambda png: [png(f"{i}.png") for i in range(11)], "too_many_files"),
    ],
)
def test_bad_files_are_refused_with_the_field_and_write_nothing(world, settings, tmp_path, files, problem):
    from .test_services import png

    settings.MEDIA_ROOT = tmp_path
    (order,) = executed(world)
    with refused_with(Code.INVALID, errors={"dispute.files": problem}):
        services.answer_executions(
            actor=world.merchant1, numbers=[order.number], result="disputed",
            dispute=services.Dispute("evidence", "x", files=tuple(files(png))),
        )
    services.answer_executions(actor=world.merchant1, numbers=[order.number], result="disputed", dispute=EVIDENCE)
    exception = OrderException.objects.get(order=order)
    with refused_with(Code.INVALID, errors={"files": problem}):
        services.comment_exception(actor=world.provider1, number=order.number, exception_id=exception.pk, body="x", files=files(png))
    assert not list(tmp_path.rglob("*.png"))
