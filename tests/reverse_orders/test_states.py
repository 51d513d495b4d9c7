"""The whole transition table, pure: no database, every action × type × status × role."""
import itertools
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from parcelback.accounts.models import Role
from parcelback.core.errors import Code
from parcelback.reverse_orders.models import AcceptanceState, ExceptionState, PickupMethod, ReverseType, Status
from parcelback.reverse_orders.states import Action, available_actions, refusal, refusal_codes

ARRIVED = datetime(2026, 11, 20, tzinfo=timezone.utc)
ROLES = [Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER, Role.PROVIDER_OPERATOR, Role.ADMIN, None]
PICKUP_TYPES = {ReverseType.CUSTOMS_RETURN, ReverseType.INTERCEPT_REJECT, ReverseType.WAREHOUSE_INTERCEPT}
M, P, A = Role.MERCHANT_OPERATOR, Role.PROVIDER_OPERATOR, Role.ADMIN
S = Status
EXECUTED = {S.PICKED_UP, S.FORWARDED, S.DESTROYED}
OPEN = {S.AWAITING_INSTRUCTION, S.AWAITING_PICKUP, S.AWAITING_DESTRUCTION}


@dataclass
class Facts:
    reverse_type: str
    status: str
    pickup_method: str | None = None
    arrived_at: datetime | None = ARRIVED
    exception_state: str = ExceptionState.NONE
    acceptance_state: str = AcceptanceState.PENDING  # matters only once executed: the answer is still awaited


def method_for(action: Action) -> str | None:
    return PickupMethod.FORWARD if action == Action.FORWARD else PickupMethod.SELF_PICKUP


# PRODUCT.md written out by hand: (action) → every (type, status, role) for which it is legal, for an order
# that has arrived, carries the matching pickup method, has no open exception and (once executed) awaits the
# merchant's answer.
def expected_legal(action: Action) -> set:
    every_type = set(ReverseType)
    table = {
        Action.REGISTER_PICKUP: {(t, S.AWAITING_INSTRUCTION, M) for t in PICKUP_TYPES},
        Action.CONFIRM_DESTRUCTION: {(ReverseType.CUSTOMS_DESTROY, S.AWAITING_INSTRUCTION, M)},
        Action.RECORD_ARRIVAL: set(),  # every test order has already arrived
        Action.HAND_OVER: {(t, S.AWAITING_PICKUP, P) for t in PICKUP_TYPES},
        Action.REISSUE_PICKUP_CODE: {(t, S.AWAITING_PICKUP, M) for t in PICKUP_TYPES},
        Action.FORWARD: {(t, S.AWAITING_PICKUP, P) for t in PICKUP_TYPES},
        Action.DESTROY: {(ReverseType.CUSTOMS_DESTROY, S.AWAITING_DESTRUCTION, P)},
        Action.CANCEL: {(t, S.AWAITING_INSTRUCTION, r) for t in every_type for r in (P, A)},
        Action.RAISE_EXCEPTION: {(t, s, r) for t in every_type for s in Status if s != S.CANCELLED for r in (P, A)}
        | {(t, s, M) for t in every_type for s in OPEN},  # the merchant, about an order still open
        Action.COMMENT_EXCEPTION: set(),  # no exception is open
        Action.RESOLVE_EXCEPTION: set(),
        Action.ACCEPT_EXECUTION: {(t, s, M) for t in every_type for s in EXECUTED},
        Action.DISPUTE_EXECUTION: {(t, s, M) for t in every_type for s in EXECUTED},
    }
    return table[action]


@pytest.mark.parametrize("action", list(Action))
def test_legal_combinations_match_the_product_rules(action):
    legal = {
        (t, s, r)
        for t, s, r in itertools.product(ReverseType, Status, ROLES)
        if refusal(action, Facts(t, s, pickup_method=method_for(action)), r) is None
    }
    assert legal == expected_legal(action)


@pytest.mark.parametrize(
    "action, facts, role, code",
    [
        (Action.REGISTER_PICKUP, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_INSTRUCTION), Role.MERCHANT_VIEWER, Code.NOT_PERMITTED),
        (Action.REGISTER_PICKUP, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_INSTRUCTION), P, Code.NOT_PERMITTED),
        (Action.REGISTER_PICKUP, Facts(ReverseType.CUSTOMS_DESTROY, S.AWAITING_INSTRUCTION), M, Code.WRONG_REVERSE_TYPE),
        (Action.REGISTER_PICKUP, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP), M, Code.ALREADY_REGISTERED),
        (Action.REGISTER_PICKUP, Facts(ReverseType.INTERCEPT_REJECT, S.FORWARDED), M, Code.ALREADY_REGISTERED),
        (Action.REGISTER_PICKUP, Facts(ReverseType.INTERCEPT_REJECT, S.CANCELLED), M, Code.WRONG_STATUS),
        (Action.CONFIRM_DESTRUCTION, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_INSTRUCTION), M, Code.WRONG_REVERSE_TYPE),
        (Action.CONFIRM_DESTRUCTION, Facts(ReverseType.CUSTOMS_DESTROY, S.AWAITING_DESTRUCTION), M, Code.ALREADY_CONFIRMED),
        (Action.CONFIRM_DESTRUCTION, Facts(ReverseType.CUSTOMS_DESTROY, S.CANCELLED), M, Code.WRONG_STATUS),
        (Action.HAND_OVER, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.FORWARD), P, Code.WRONG_PICKUP_METHOD),
        (Action.FORWARD, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.SELF_PICKUP), P, Code.WRONG_PICKUP_METHOD),
        (Action.REISSUE_PICKUP_CODE, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.FORWARD), M, Code.WRONG_PICKUP_METHOD),
        (Action.REISSUE_PICKUP_CODE, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.SELF_PICKUP), Role.MERCHANT_VIEWER, Code.NOT_PERMITTED),
        (Action.REISSUE_PICKUP_CODE, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.SELF_PICKUP), P, Code.NOT_PERMITTED),
        (Action.REISSUE_PICKUP_CODE, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, PickupMethod.SELF_PICKUP), M, Code.WRONG_STATUS),
        (Action.HAND_OVER, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.SELF_PICKUP, None), P, Code.NOT_ARRIVED),
        (Action.DESTROY, Facts(ReverseType.CUSTOMS_DESTROY, S.AWAITING_DESTRUCTION, arrived_at=None), P, Code.NOT_ARRIVED),
        (Action.DESTROY, Facts(ReverseType.CUSTOMS_DESTROY, S.AWAITING_INSTRUCTION), P, Code.WRONG_STATUS),
        (Action.RECORD_ARRIVAL, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_INSTRUCTION), P, Code.ALREADY_ARRIVED),
        (Action.RECORD_ARRIVAL, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, arrived_at=None), P, Code.WRONG_STATUS),
        (Action.RECORD_ARRIVAL, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_INSTRUCTION, arrived_at=None), M, Code.NOT_PERMITTED),
        (Action.CANCEL, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP), P, Code.WRONG_STATUS),
        (Action.CANCEL, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_INSTRUCTION), M, Code.NOT_PERMITTED),
        (Action.RAISE_EXCEPTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, exception_state=ExceptionState.PENDING), P, Code.EXCEPTION_OPEN),
        (Action.RAISE_EXCEPTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP), M, Code.WRONG_STATUS),  # a dispute
        (Action.RAISE_EXCEPTION, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP), Role.MERCHANT_VIEWER, Code.NOT_PERMITTED),
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_DESTROY, S.DESTROYED, acceptance_state=AcceptanceState.ACCEPTED), M, Code.ALREADY_ANSWERED),
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_DESTROY, S.DESTROYED, acceptance_state=AcceptanceState.DISPUTED), M, Code.ALREADY_ANSWERED),
        (Action.DISPUTE_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.FORWARDED, acceptance_state=AcceptanceState.ACCEPTED), M, Code.ALREADY_ANSWERED),
        # Executed before acceptance existed: nothing to answer.
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, acceptance_state=AcceptanceState.NONE), M, Code.WRONG_STATUS),
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP), M, Code.WRONG_STATUS),
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP), P, Code.NOT_PERMITTED),
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP), Role.MERCHANT_VIEWER, Code.NOT_PERMITTED),
        # One exception open at a time: a dispute waits for the open one; accepting does not.
        (Action.DISPUTE_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, exception_state=ExceptionState.PENDING), M, Code.EXCEPTION_OPEN),
        (Action.ACCEPT_EXECUTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, exception_state=ExceptionState.PENDING), M, None),
        (Action.COMMENT_EXCEPTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, exception_state=ExceptionState.RESOLVED), M, Code.EXCEPTION_NOT_OPEN),
        (Action.RESOLVE_EXCEPTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP, exception_state=ExceptionState.PENDING), Role.MERCHANT_VIEWER, Code.NOT_PERMITTED),
    ],
)
def test_refusal_codes(action, facts, role, code):
    assert refusal(action, facts, role) == code


def test_arrival_is_legal_only_before_it_happened_and_while_open():
    for status in Status:
        facts = Facts(ReverseType.INTERCEPT_REJECT, status, arrived_at=None)
        allowed = refusal(Action.RECORD_ARRIVAL, facts, P) is None
        assert allowed == (status in {S.AWAITING_INSTRUCTION, S.AWAITING_PICKUP, S.AWAITING_DESTRUCTION})


def test_open_exception_can_be_discussed_and_resolved_by_both_sides_but_not_the_viewer():
    facts = Facts(ReverseType.WAREHOUSE_INTERCEPT, S.AWAITING_PICKUP, exception_state=ExceptionState.PENDING)
    for action in (Action.COMMENT_EXCEPTION, Action.RESOLVE_EXCEPTION):
        assert {r for r in ROLES if refusal(action, facts, r) is None} == {M, P, A}


def test_available_actions_for_each_side():
    waiting = Facts(ReverseType.CUSTOMS_DESTROY, S.AWAITING_INSTRUCTION)
    assert available_actions(waiting, M) == [Action.CONFIRM_DESTRUCTION, Action.RAISE_EXCEPTION]
    assert available_actions(waiting, Role.MERCHANT_VIEWER) == []
    assert available_actions(waiting, P) == [Action.CANCEL, Action.RAISE_EXCEPTION]
    travelling = Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.SELF_PICKUP, arrived_at=None)
    assert available_actions(travelling, P) == [Action.RECORD_ARRIVAL, Action.RAISE_EXCEPTION]
    # A new pickup code needs no arrival: the merchant may replace it while the parcel is still travelling.
    assert available_actions(travelling, M) == [Action.REISSUE_PICKUP_CODE, Action.RAISE_EXCEPTION]
    destroyed = Facts(ReverseType.CUSTOMS_DESTROY, S.DESTROYED)
    assert available_actions(destroyed, M) == [Action.ACCEPT_EXECUTION, Action.DISPUTE_EXECUTION]
    assert available_actions(destroyed, P) == [Action.RAISE_EXCEPTION]
    accepted = Facts(ReverseType.CUSTOMS_DESTROY, S.DESTROYED, acceptance_state=AcceptanceState.ACCEPTED)
    assert available_actions(accepted, M) == []


def test_terminal_statuses_allow_no_status_change():
    beside = {Action.RAISE_EXCEPTION, Action.COMMENT_EXCEPTION, Action.RESOLVE_EXCEPTION, Action.ACCEPT_EXECUTION,
              Action.DISPUTE_EXECUTION}  # the exception and acceptance axes, not the status
    changing = [a for a in Action if a not in beside]
    for status, reverse_type, role, action in itertools.product(
        [S.PICKED_UP, S.FORWARDED, S.DESTROYED, S.CANCELLED], ReverseType, ROLES, changing
    ):
        facts = Facts(reverse_type, status, pickup_method=method_for(action), arrived_at=None)
        assert refusal(action, facts, role) is not None


@pytest.mark.parametrize("action", list(Action))
def test_refusal_codes_are_exactly_what_refusal_can_answer(action):
    """The codes the API document lists for an action are every code `refusal()` gives over every order and role,
    and no other."""
    answered = {
        refusal(action, Facts(t, s, pickup_method=m, arrived_at=arrived, exception_state=e, acceptance_state=a), role)
        for t, s, m, arrived, e, a, role in itertools.product(
            ReverseType, Status, [None, *PickupMethod], [None, ARRIVED], ExceptionState, AcceptanceState, ROLES
        )
    }
    assert set(refusal_codes(action)) == answered - {None}
    assert len(refusal_codes(action)) == len(answered - {None})
