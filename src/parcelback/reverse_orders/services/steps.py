"""The steps every action shares: load and lock the actor's orders and refuse the batch unless all are
eligible, move them conditionally (exactly one of two racing requests wins), write the timeline event and the
outbox row in the same transaction."""
from datetime import datetime

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND, OutboxMessage

from .. import batch, selectors, states
from ..models import (
    AcceptanceState,
    Event,
    EventKind,
    ReverseOrder,
)
from ..serializers import order_data

Action = states.Action


def record(orders: list[ReverseOrder], kind: EventKind, actor: Actor, data: dict | None = None, *, now: datetime) -> None:
    """Write the timeline event and, where the kind is announced, the outbox row, for every order at once."""
    data = data or {}
    Event.objects.bulk_create(
        Event(order=o, kind=kind, actor_id=actor.user_id, actor_label=actor.username, at=now, data=data) for o in orders
    )
    if kind in EVENT_TYPE_OF_KIND:
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                event_type=EVENT_TYPE_OF_KIND[kind],
                order_number=o.number,
                shop_id=o.shop_id,
                provider_id=o.provider_id,
                payload={"type": EVENT_TYPE_OF_KIND[kind], "timestamp": now.isoformat(), "data": order_data(o) | {"event": data}},
                actor_organisation_id=actor.organisation.pk if actor.organisation else None,
                created_at=now,
            )
            for o in orders
        )


def take(actor: Actor, numbers: list[str], action: Action, *, method: str | None = None) -> list[ReverseOrder]:
    """Load and lock the actor's orders among `numbers` and refuse the whole batch unless every one is eligible."""
    batch.check_size(numbers)
    found = selectors.orders_for_action(actor=actor, numbers=numbers)
    plan = batch.plan(action, numbers, found, actor.role, method=method)
    if not plan.ok:
        raise batch.refuse(plan)
    return plan.eligible


def move(orders: list[ReverseOrder], action: Action, *, now: datetime, **changes) -> None:
    """Conditional update: only orders still in the action's source status (and, for an answer to an execution,
    still awaiting it) move. If any did not, another request won the race; the transaction rolls back and the
    caller is refused as if it came second."""
    rule = states.TRANSITIONS[action]
    if rule.target:
        changes["status"] = rule.target
    if rule.stamp:
        changes[rule.stamp] = now
    if rule.acceptance:
        changes["acceptance_state"] = rule.acceptance
    still = ReverseOrder.objects.filter(pk__in=[o.pk for o in orders], status__in=rule.sources)
    if rule.awaiting_acceptance:
        still = still.filter(acceptance_state=AcceptanceState.PENDING)
    moved = still.update(updated_at=now, **changes)
    if moved != len(orders):
        code = Code.ALREADY_ANSWERED if rule.awaiting_acceptance else rule.done_code if rule.done else Code.WRONG_STATUS
        raise Refused(code, refused=[(o.number, code) for o in orders])
    for order in orders:
        order.updated_at = now
        for name, value in changes.items():
            setattr(order, name, value)


def one(actor: Actor, number: str, action: Action) -> ReverseOrder:
    return take(actor, [number], action)[0]


def user_id_of(actor: Actor) -> int:
    """The acting person's id for the row that records who acted; the system cannot take a person's action."""
    if actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    return actor.user_id
