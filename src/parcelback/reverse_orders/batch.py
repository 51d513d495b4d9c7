"""Whole-batch checks: the same per-order check as the single action, over every order, before any write.

A batch is all or nothing (the seed's rule): `plan()` returns who is eligible and who is refused with a code,
and the service writes only when nobody is refused. Pages and the API show the same plan.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from parcelback.contacts.rules import address_problems, phone_problem
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from . import states
from .models import PickupMethod



@dataclass(frozen=True)
class SelfPickupDetails:
    expected_pickup_at: datetime | None
    picker_name: str
    picker_phone: str


@dataclass(frozen=True)
class ForwardDetails:
    recipient_name: str
    recipient_phone: str
    country: str
    province: str
    city: str
    street: str
    postcode: str
    district: str = ""


@dataclass(frozen=True)
class PickupDetails:
    """One form for the whole batch: the same method and the same details for every order."""

    method: str
    self_pickup: SelfPickupDetails | None = None
    forward: ForwardDetails | None = None
    remark: str = ""


def detail_problems(details: PickupDetails, *, now: datetime) -> dict[str, str]:
    """Field → problem code, empty when the details can be registered."""
    problems: dict[str, str] = {}
    if details.method not in PickupMethod.values:
        return {"method": "required"}
    if details.method == PickupMethod.SELF_PICKUP:
        if details.forward is not None:
            problems["forward"] = "mixed_methods"
        sp = details.self_pickup
        if sp is None:
            return problems | {"self_pickup": "required"}
        if sp.expected_pickup_at is None:
            problems["expected_pickup_at"] = "required"
        elif sp.expected_pickup_at <= now:
            problems["expected_pickup_at"] = "not_in_future"
        if is_blank(sp.picker_name):
            problems["picker_name"] = "required"
        if problem := phone_problem(sp.picker_phone):
            problems["picker_phone"] = problem
    else:
        if details.self_pickup is not None:
            problems["self_pickup"] = "mixed_methods"
        fw = details.forward
        if fw is None:
            return problems | {"forward": "required"}
        if is_blank(fw.recipient_name):
            problems["recipient_name"] = "required"
        problems |= address_problems(
            country=fw.country, province=fw.province, city=fw.city, street=fw.street, postcode=fw.postcode
        )
        if problem := phone_problem(fw.recipient_phone):
            problems["recipient_phone"] = problem
    if len(details.remark) > 300:
        problems["remark"] = "too_long"
    return problems


@dataclass
class Plan:
    """What a batch action would do: the orders it would change and each refused order with its code."""

    eligible: list = field(default_factory=list)
    refused: list[tuple[str, Code]] = field(default_factory=list)
    # A self-pickup batch: its otherwise eligible orders grouped by warehouse, largest group first.
    warehouse_groups: list[list] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused and bool(self.eligible)

    @property
    def mixed_warehouses(self) -> bool:
        return len(self.warehouse_groups) > 1


def check_size(numbers: list[str]) -> None:
    if not numbers:
        raise Refused(Code.EMPTY_BATCH, field="orders")
    if len(numbers) > settings.PARCELBACK_MAX_BATCH:
        raise Refused(Code.BATCH_TOO_LARGE, field="orders")


def plan(
    action: states.Action, numbers: list[str], found: list, role, *, method: str | None = None,
    split_by_warehouse: bool = False,
) -> Plan:
    """Check every requested number: found among `found` (the actor's visible orders), legal now, unique.

    A self-pickup batch must sit in one warehouse: orders outside the largest group are refused, so the
    user can go on with the rest, unless the batch is split by warehouse (one registration and code each).
    """
    by_number = {order.number: order for order in found}
    result = Plan()
    seen: set[str] = set()
    for number in numbers:
        order = by_number.get(number)
        if number in seen:
            result.refused.append((number, Code.DUPLICATE_IN_BATCH))
        elif order is None:
            result.refused.append((number, Code.NOT_FOUND))
        elif code := states.refusal(action, order, role):
            result.refused.append((number, code))
        else:
            result.eligible.append(order)
        seen.add(number)
    if method == PickupMethod.SELF_PICKUP and result.eligible:
        counts = Counter(order.warehouse_id for order in result.eligible)
        result.warehouse_groups = [[o for o in result.eligible if o.warehouse_id == wid] for wid, _n in counts.most_common()]
        if split_by_warehouse:
            return result
        main_warehouse = counts.most_common(1)[0][0]
        result.refused += [(o.number, Code.MIXED_WAREHOUSES) for o in result.eligible if o.warehouse_id != main_warehouse]
        result.eligible = [o for o in result.eligible if o.warehouse_id == main_warehouse]
    return result


def refuse(plan_: Plan) -> Refused:
    """The refusal for a failed plan: the order's own code for a single order, `batch_refused` for more."""
    if len(plan_.refused) == 1 and not plan_.eligible:
        number, code = plan_.refused[0]
        return Refused(code, refused=plan_.refused)
    return Refused(Code.BATCH_REFUSED, refused=plan_.refused)
