"""The one place that knows which action is legal, from which status, for which reverse type, by which role.

A transition is data. `refusal()` answers "why may this actor not do this to this order now?" (None when it
may) and `available_actions()` lists what it may do; templates, the API and services all ask these.
"""
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from parcelback.accounts.models import Role
from parcelback.core.errors import Code

from .models import AcceptanceState, ExceptionState, PickupMethod, ReverseType, Status


class Action(StrEnum):
    REGISTER_PICKUP = "register_pickup"
    CONFIRM_DESTRUCTION = "confirm_destruction"
    RECORD_ARRIVAL = "record_arrival"
    HAND_OVER = "hand_over"
    REISSUE_PICKUP_CODE = "reissue_pickup_code"
    FORWARD = "forward"
    DESTROY = "destroy"
    CANCEL = "cancel"
    RAISE_EXCEPTION = "raise_exception"
    COMMENT_EXCEPTION = "comment_exception"
    RESOLVE_EXCEPTION = "resolve_exception"
    ACCEPT_EXECUTION = "accept_execution"
    DISPUTE_EXECUTION = "dispute_execution"


class OrderFacts(Protocol):
    reverse_type: str
    status: str
    pickup_method: str | None
    arrived_at: object
    exception_state: str
    acceptance_state: str


ALL_TYPES = frozenset(ReverseType)
PICKUP_TYPES = frozenset({ReverseType.CUSTOMS_RETURN, ReverseType.INTERCEPT_REJECT, ReverseType.WAREHOUSE_INTERCEPT})
TERMINAL = frozenset({Status.PICKED_UP, Status.FORWARDED, Status.DESTROYED, Status.CANCELLED})
OPEN = frozenset(Status) - TERMINAL
EXECUTED = frozenset({Status.PICKED_UP, Status.FORWARDED, Status.DESTROYED})
ANSWERED = frozenset({AcceptanceState.ACCEPTED, AcceptanceState.DISPUTED})
MERCHANT = frozenset({Role.MERCHANT_OPERATOR})
PROVIDER = frozenset({Role.PROVIDER_OPERATOR})
BOTH_SIDES = frozenset({Role.MERCHANT_OPERATOR, Role.PROVIDER_OPERATOR, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    """`done` are statuses that mean the action already happened: refused with `done_code`, not `wrong_status`."""

    types: frozenset
    sources: frozenset
    roles: frozenset
    target: Status | None = None
    method: PickupMethod | None = None
    needs_arrival: bool = False
    needs_no_arrival: bool = False
    exception: ExceptionState | None = None  # the exception state required (pending) or refused (None = any)
    done: frozenset = frozenset()
    done_code: Code = Code.WRONG_STATUS
    stamp: str | None = None  # the order's moment column the action sets to its time (instructed_at, executed_at)
    # Roles that may act only from some of `sources` (a merchant raises exceptions on open orders only).
    role_sources: tuple[tuple[Role, frozenset], ...] = ()
    awaiting_acceptance: bool = False  # the execution still waits for the merchant's answer
    acceptance: AcceptanceState | None = None  # the acceptance state the action sets (execution: pending)


TRANSITIONS: dict[Action, Transition] = {
    # The merchant tells the provider who collects the parcel, or where to forward it.
    Action.REGISTER_PICKUP: Transition(
        types=PICKUP_TYPES,
        sources=frozenset({Status.AWAITING_INSTRUCTION}),
        roles=MERCHANT,
        target=Status.AWAITING_PICKUP,
        done=frozenset({Status.AWAITING_PICKUP, Status.PICKED_UP, Status.FORWARDED}),
        done_code=Code.ALREADY_REGISTERED,
        stamp="instructed_at",
    ),
    # The merchant agrees that a parcel customs refused may be destroyed. Irreversible.
    Action.CONFIRM_DESTRUCTION: Transition(
        types=frozenset({ReverseType.CUSTOMS_DESTROY}),
        sources=frozenset({Status.AWAITING_INSTRUCTION}),
        roles=MERCHANT,
        target=Status.AWAITING_DESTRUCTION,
        done=frozenset({Status.AWAITING_DESTRUCTION, Status.DESTROYED}),
        done_code=Code.ALREADY_CONFIRMED,
        stamp="instructed_at",
    ),
    # The provider's inbound scan: a fact beside the status, which execution waits for.
    Action.RECORD_ARRIVAL: Transition(types=ALL_TYPES, sources=OPEN, roles=PROVIDER, needs_no_arrival=True),
    # The picker shows the pickup code at the warehouse and takes the parcel.
    Action.HAND_OVER: Transition(
        types=PICKUP_TYPES,
        sources=frozenset({Status.AWAITING_PICKUP}),
        roles=PROVIDER,
        target=Status.PICKED_UP,
        stamp="executed_at",
        acceptance=AcceptanceState.PENDING,
        method=PickupMethod.SELF_PICKUP,
        needs_arrival=True,
    ),
    # The merchant replaces a self-pickup code (lost, or locked after too many wrong codes) while the parcel waits.
    Action.REISSUE_PICKUP_CODE: Transition(
        types=PICKUP_TYPES,
        sources=frozenset({Status.AWAITING_PICKUP}),
        roles=MERCHANT,
        method=PickupMethod.SELF_PICKUP,
    ),
    # The provider ships the parcel to the registered address.
    Action.FORWARD: Transition(
        types=PICKUP_TYPES,
        sources=frozenset({Status.AWAITING_PICKUP}),
        roles=PROVIDER,
        target=Status.FORWARDED,
        stamp="executed_at",
        acceptance=AcceptanceState.PENDING,
        method=PickupMethod.FORWARD,
        needs_arrival=True,
    ),
    # The provider destroys the parcel after the merchant confirmed, with evidence.
    Action.DESTROY: Transition(
        types=frozenset({ReverseType.CUSTOMS_DESTROY}),
        sources=frozenset({Status.AWAITING_DESTRUCTION}),
        roles=PROVIDER,
        target=Status.DESTROYED,
        stamp="executed_at",
        acceptance=AcceptanceState.PENDING,
        needs_arrival=True,
    ),
    # A parcel created in error, withdrawn before any instruction exists.
    Action.CANCEL: Transition(
        types=ALL_TYPES,
        sources=frozenset({Status.AWAITING_INSTRUCTION}),
        roles=frozenset({Role.PROVIDER_OPERATOR, Role.ADMIN}),
        target=Status.CANCELLED,
    ),
    # The merchant confirms what the warehouse did (确认处理结果), once; the system does after the window.
    Action.ACCEPT_EXECUTION: Transition(
        types=ALL_TYPES, sources=EXECUTED, roles=MERCHANT, awaiting_acceptance=True, acceptance=AcceptanceState.ACCEPTED
    ),
    # Or disputes it (有异议), which opens an exception both sides discuss until it is resolved with an outcome.
    Action.DISPUTE_EXECUTION: Transition(
        types=ALL_TYPES, sources=EXECUTED, roles=MERCHANT, awaiting_acceptance=True, exception=ExceptionState.NONE,
        acceptance=AcceptanceState.DISPUTED,
    ),
    # Exceptions live beside the status: one open at a time, raised by the warehouse (or the system), or by the
    # merchant about an order still open ("parcel not arrived after 10 days"); after execution, a dispute.
    Action.RAISE_EXCEPTION: Transition(
        types=ALL_TYPES,
        sources=frozenset(Status) - {Status.CANCELLED},
        roles=BOTH_SIDES,
        exception=ExceptionState.NONE,
        role_sources=((Role.MERCHANT_OPERATOR, OPEN),),
    ),
    Action.COMMENT_EXCEPTION: Transition(
        types=ALL_TYPES, sources=frozenset(Status), roles=BOTH_SIDES, exception=ExceptionState.PENDING
    ),
    Action.RESOLVE_EXCEPTION: Transition(
        types=ALL_TYPES, sources=frozenset(Status), roles=BOTH_SIDES, exception=ExceptionState.PENDING
    ),
}


def refusal(action: Action, order: OrderFacts, role: Role | None) -> Code | None:
    """Why `role` may not take `action` on `order` now, as a stable code; None when it may."""
    rule = TRANSITIONS[action]
    if role not in rule.roles:
        return Code.NOT_PERMITTED
    if order.reverse_type not in rule.types:
        return Code.WRONG_REVERSE_TYPE
    if order.status in rule.done:
        return rule.done_code
    if order.status not in dict(rule.role_sources).get(role, rule.sources):
        return Code.WRONG_STATUS
    if rule.awaiting_acceptance and order.acceptance_state in ANSWERED:
        return Code.ALREADY_ANSWERED
    if rule.awaiting_acceptance and order.acceptance_state != AcceptanceState.PENDING:
        return Code.WRONG_STATUS  # executed before acceptance existed: nothing to answer
    if rule.method and order.pickup_method != rule.method:
        return Code.WRONG_PICKUP_METHOD
    if rule.needs_arrival and order.arrived_at is None:
        return Code.NOT_ARRIVED
    if rule.needs_no_arrival and order.arrived_at is not None:
        return Code.ALREADY_ARRIVED
    if rule.exception == ExceptionState.PENDING and order.exception_state != ExceptionState.PENDING:
        return Code.EXCEPTION_NOT_OPEN
    if rule.exception == ExceptionState.NONE and order.exception_state == ExceptionState.PENDING:
        return Code.EXCEPTION_OPEN
    return None


def refusal_codes(action: Action) -> list[Code]:
    """Every code `refusal()` can answer for `action`, in the order it checks: what the API document lists for the
    operation, read off the rule so it never drifts from it."""
    rule = TRANSITIONS[action]
    possible = {
        Code.NOT_PERMITTED: True,  # no rule admits every role (nor an actor without one)
        Code.WRONG_REVERSE_TYPE: rule.types != ALL_TYPES,
        rule.done_code: bool(rule.done),
        Code.WRONG_STATUS: rule.sources | rule.done != frozenset(Status) or bool(rule.role_sources),
        Code.ALREADY_ANSWERED: rule.awaiting_acceptance,
        Code.WRONG_PICKUP_METHOD: rule.method is not None,
        Code.NOT_ARRIVED: rule.needs_arrival,
        Code.ALREADY_ARRIVED: rule.needs_no_arrival,
        Code.EXCEPTION_NOT_OPEN: rule.exception == ExceptionState.PENDING,
        Code.EXCEPTION_OPEN: rule.exception == ExceptionState.NONE,
    }
    return [code for code, can in possible.items() if can]


def available_actions(order: OrderFacts, role: Role | None) -> list[Action]:
    """Every action `role` may take on `order` now, in table order."""
    return [action for action in TRANSITIONS if refusal(action, order, role) is None]
