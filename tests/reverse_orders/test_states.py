"""The whole transition table, pure: no database, every action × type × status × role."""
import itertools
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from parcelback.accounts.models import Role
from parcelback.core.errors import Code
from parcelback.reverse_orders.models import ExceptionState, PickupMethod, ReverseType, Status
from parcelback.reverse_orders.states import Action, available_actions, refusal, refusal_codes

ARRIVED = datetime(2026, 11, 20, tzinfo=timezone.utc)
ROLES = [Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER, Role.PROVIDER_OPERATOR, Role.ADMIN, None]
PICKUP_TYPES = {ReverseType.CUSTOMS_RETURN, ReverseType.INTERCEPT_REJECT, ReverseType.WAREHOUSE_INTERCEPT}
M, P, A = Role.MERCHANT_OPERATOR, Role.PROVIDER_OPERATOR, Role.ADMIN
S = Status


@dataclass
class Facts:
    reverse_type: str
    status: str
    pickup_method: str | None = None
    arrived_at: datetime | None = ARRIVED
    exception_state: str = ExceptionState.NONE


def method_for(action: Action) -> str | None:
    return PickupMethod.FORWARD if action == Action.FORWARD else PickupMethod.SELF_PICKUP


# PRODUCT.md written out by hand: (action) → every (type, status, role) for which it is legal, for an order
# that has arrived, carries the matching pickup method and has no open exception.
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
        Action.RAISE_EXCEPTION: {(t, s, r) for t in every_type for s in Status if s != S.CANCELLED for r in (P, A)},
        Action.COMMENT_EXCEPTION: set(),  # no exception is open
        Action.RESOLVE_EXCEPTION: set(),
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
        (Action.RAISE_EXCEPTION, Facts(ReverseType.CUSTOMS_RETURN, S.PICKED_UP), M, Code.NOT_PERMITTED),
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
    assert available_actions(waiting, M) == [Action.CONFIRM_DESTRUCTION]
    assert available_actions(waiting, Role.MERCHANT_VIEWER) == []
    assert available_actions(waiting, P) == [Action.CANCEL, Action.RAISE_EXCEPTION]
    travelling = Facts(ReverseType.CUSTOMS_RETURN, S.AWAITING_PICKUP, PickupMethod.SELF_PICKUP, arrived_at=None)
    assert available_actions(travelling, P) == [Action.RECORD_ARRIVAL, Action.RAISE_EXCEPTION]
    # A new pickup code needs no arrival: the merchant may replace it while the parcel is still travelling.
    assert available_actions(travelling, M) == [Action.REISSUE_PICKUP_CODE]


def test_terminal_statuses_allow_no_status_change():
    changing = [a for a in Action if a not in {Action.RAISE_EXCEPTION, Action.COMMENT_EXCEPTION, Action.RESOLVE_EXCEPTION}]
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
        refusal(action, Facts(t, s, pickup_method=m, arrived_at=arrived, exception_state=e), role)
        for t, s, m, arrived, e, role in itertools.product(
            ReverseType, Status, [None, *PickupMethod], [None, ARRIVED], ExceptionState, ROLES
        )
    }
    assert set(refusal_codes(action)) == answered - {None}
    assert len(refusal_codes(action)) == len(answered - {None})
