"""Who hears of what, and how each person is mailed of it by default: PRODUCT rules for notifications."""
from parcelback.accounts.models import Role
from parcelback.reverse_orders.models import EventKind

from .models import Email

MERCHANT_SIDE = (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER)
PROVIDER_SIDE = (Role.PROVIDER_OPERATOR,)
# The shop's people hear of what needs (or finished) their decision, the provider's operators of a new
# instruction or question for their warehouses.
SHOP_HEARS = {
    EventKind.DEADLINE_NEAR, EventKind.OVERDUE, EventKind.EXCEPTION_RAISED, EventKind.EXCEPTION_COMMENTED,
    EventKind.EXCEPTION_RESOLVED, EventKind.HANDED_OVER, EventKind.FORWARDED, EventKind.DESTROYED,
    EventKind.HANDOVER_LOCKED, EventKind.CANCELLED, EventKind.EXECUTION_ACCEPTED,  # the system's, after the window
}
# Nobody hears of what their own organisation did (a provider is not told of its own comment).
PROVIDER_HEARS = {
    EventKind.PICKUP_REGISTERED, EventKind.DESTRUCTION_CONFIRMED, EventKind.EXCEPTION_RAISED,
    EventKind.EXCEPTION_COMMENTED, EventKind.PICKUP_CODE_REISSUED, EventKind.EXECUTION_ACCEPTED,
    EventKind.EXECUTION_DISPUTED,
}
# Kinds a provider hears of only when the shop did it: an exception the merchant raised ("parcel not arrived"),
# not the system's overdue ones (those are the merchant's to act on).
PROVIDER_HEARS_FROM_SHOP = {EventKind.EXCEPTION_RAISED}
# Mailed at once by default: what needs action today. Everything else goes into the daily digest.
SHOP_IMMEDIATE = {EventKind.OVERDUE, EventKind.HANDOVER_LOCKED}
PROVIDER_IMMEDIATE = {
    EventKind.PICKUP_REGISTERED, EventKind.DESTRUCTION_CONFIRMED, EventKind.EXCEPTION_RAISED, EventKind.EXECUTION_DISPUTED,
}

# Each kind's line in a digest links to the list of the orders in that state now (query string of the list page).
LIST_OF_KIND = {
    EventKind.DEADLINE_NEAR: "status=awaiting_instruction&aging=due_3d&ordering=deadline",
    EventKind.OVERDUE: "status=awaiting_instruction&aging=overdue&ordering=deadline",
    EventKind.EXCEPTION_RAISED: "exception_state=pending",
    EventKind.EXCEPTION_COMMENTED: "exception_state=pending",
    EventKind.EXCEPTION_RESOLVED: "exception_state=resolved&ordering=-updated",
    EventKind.HANDED_OVER: "status=picked_up&ordering=-updated",
    EventKind.FORWARDED: "status=forwarded&ordering=-updated",
    EventKind.DESTROYED: "status=destroyed&ordering=-updated",
    EventKind.CANCELLED: "status=cancelled&ordering=-updated",
    EventKind.HANDOVER_LOCKED: "status=awaiting_pickup&pickup_method=self_pickup",
    EventKind.PICKUP_REGISTERED: "status=awaiting_pickup&ordering=-updated",
    EventKind.DESTRUCTION_CONFIRMED: "status=awaiting_destruction&ordering=-updated",
    EventKind.PICKUP_CODE_REISSUED: "status=awaiting_pickup&pickup_method=self_pickup&ordering=-updated",
    EventKind.EXECUTION_ACCEPTED: "acceptance_state=accepted&ordering=-updated",
    EventKind.EXECUTION_DISPUTED: "acceptance_state=disputed&exception_state=pending",
}


def kinds_heard(role: str) -> list[str]:
    """The kinds a person in this role is told of, in the timeline's order."""
    heard = SHOP_HEARS if role in MERCHANT_SIDE else PROVIDER_HEARS if role in PROVIDER_SIDE else set()
    return [kind for kind in EventKind.values if kind in heard]


def default_email(role: str, kind: str) -> str:
    immediate = SHOP_IMMEDIATE if role in MERCHANT_SIDE else PROVIDER_IMMEDIATE
    return Email.IMMEDIATE if kind in immediate else Email.DIGEST


def email_for(role: str, kind: str, chosen: dict | None) -> str:
    """The person's choice for this kind if they made a valid one, else the default."""
    choice = (chosen or {}).get(kind)
    return choice if choice in Email.values else default_email(role, kind)
