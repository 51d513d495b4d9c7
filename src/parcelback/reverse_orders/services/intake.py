"""The provider registers parcels that came back (creation, idempotent on its own reference) and scans them
in on arrival, which restarts the instruction clock."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Organisation, Role, Warehouse
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from .. import batch, selectors
from ..models import (
    BusinessMode,
    CargoOwner,
    DeadlinePolicy,
    EventKind,
    NumberSequence,
    OrderLine,
    ReverseOrder,
    ReverseType,
    Status,
)
from .steps import Action, record, take


@dataclass(frozen=True)
class NewLine:
    product_id: str
    product_name: str
    goods_id: str
    goods_name: str
    quantity: int = 1


@dataclass(frozen=True)
class NewOrder:
    external_ref: str
    shop: str
    warehouse: str
    reverse_type: str
    business_mode: str
    owner_id: str
    owner_name: str
    sales_return_no: str = ""
    order_no: str = ""
    lines: list[NewLine] = field(default_factory=list)
    inbound_tracking_number: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Created:
    external_ref: str
    order: ReverseOrder
    created: bool


def deadline_days() -> dict[str, int]:
    return dict(DeadlinePolicy.objects.values_list("reverse_type", "days"))


def _deadline(reverse_type: str, start: datetime, days: dict[str, int]) -> datetime:
    return start + timedelta(days=days.get(reverse_type, settings.PARCELBACK_DEFAULT_DEADLINE_DAYS))


def allocate_numbers(count: int, day: date) -> list[str]:
    """Reserve `count` numbers of a day's sequence (RV + date + six digits) inside the caller's transaction."""
    day = day.strftime("%Y%m%d")
    NumberSequence.objects.get_or_create(key=day)
    NumberSequence.objects.filter(key=day).update(value=F("value") + count)
    last = NumberSequence.objects.get(key=day).value
    return [f"RV{day}{seq:06d}" for seq in range(last - count + 1, last + 1)]


def _validate_new(actor: Actor, items: list[NewOrder]) -> tuple[dict, dict, dict[str, str]]:
    shops = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.SHOP, code__in={i.shop for i in items})}
    warehouses = Warehouse.objects.filter(code__in={i.warehouse for i in items})
    if actor.role != Role.ADMIN:
        warehouses = warehouses.filter(provider_id=actor.organisation.pk)
    warehouses = {w.code: w for w in warehouses}
    errors: dict[str, str] = {}
    refs: set[str] = set()
    reverse_types, modes = set(ReverseType.values), set(BusinessMode.values)  # `.values` builds a list per call
    for index, item in enumerate(items):
        def bad(name: str, problem: str) -> None:
            errors.setdefault(f"orders[{index}].{name}", problem)

        if is_blank(item.external_ref):
            bad("external_ref", "required")
        elif item.external_ref in refs:
            bad("external_ref", "duplicate_in_batch")
        refs.add(item.external_ref)
        if item.shop not in shops:
            bad("shop", Code.UNKNOWN_SHOP)
        if item.warehouse not in warehouses:
            bad("warehouse", Code.UNKNOWN_WAREHOUSE)
        if item.reverse_type not in reverse_types:
            bad("reverse_type", "invalid_choice")
        if item.business_mode not in modes:
            bad("business_mode", "invalid_choice")
        if is_blank(item.owner_id) or is_blank(item.owner_name):
            bad("owner", "required")
        if not item.lines:
            bad("lines", "required")
        for n, line in enumerate(item.lines):
            if any(is_blank(text) for text in (line.goods_id, line.goods_name, line.product_id, line.product_name)):
                bad(f"lines[{n}]", "required")
            if line.quantity < 1:
                bad(f"lines[{n}].quantity", "must_be_positive")
    return shops, warehouses, errors


CREATE_ATTEMPTS = 3


def create_orders(*, actor: Actor, orders: list[NewOrder], now: datetime | None = None) -> list[Created]:
    """A provider registers parcels that came back. Idempotent on its external reference; all or nothing."""
    if actor.role not in (Role.PROVIDER_OPERATOR, Role.ADMIN):
        raise Refused(Code.NOT_PERMITTED)
    batch.check_size([o.external_ref for o in orders])
    now = now or timezone.now()
    attempts = CREATE_ATTEMPTS
    while True:
        try:
            return _create(actor, orders, now)
        except IntegrityError:
            # Another request created one of these external references between our read and our insert (the
            # unique constraint caught it and our savepoint is rolled back): read again, and answer that order,
            # as a resend one second later would be answered.
            attempts -= 1
            if not attempts:
                raise


def _create(actor: Actor, orders: list[NewOrder], now: datetime) -> list[Created]:
    """One attempt, in its own transaction (a savepoint inside the caller's)."""
    with transaction.atomic():
        shops, warehouses, errors = _validate_new(actor, orders)
        if errors:
            raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
        providers = {o.warehouse: warehouses[o.warehouse].provider_id for o in orders}
        existing = {
            (o.provider_id, o.external_ref): o
            for o in ReverseOrder.objects.select_related(*selectors.LIST_RELATED).filter(
                provider_id__in=set(providers.values()), external_ref__in=[o.external_ref for o in orders]
            )
        }
        fresh = [o for o in orders if (providers[o.warehouse], o.external_ref) not in existing]
        owners = _owners(fresh, shops)
        days = deadline_days()
        numbers = allocate_numbers(len(fresh), timezone.localdate(now)) if fresh else []
        new_orders = [
            ReverseOrder(
                number=number,
                external_ref=item.external_ref,
                shop=shops[item.shop],
                provider_id=providers[item.warehouse],
                warehouse=warehouses[item.warehouse],
                owner=owners[(item.shop, item.owner_id)],
                reverse_type=item.reverse_type,
                business_mode=item.business_mode,
                sales_return_no=item.sales_return_no,
                order_no=item.order_no,
                inbound_tracking_number=item.inbound_tracking_number,
                reason=item.reason,
                instruction_deadline=_deadline(item.reverse_type, now, days),
                created_at=now,
                updated_at=now,
            )
            for number, item in zip(numbers, fresh)
        ]
        ReverseOrder.objects.bulk_create(new_orders)
        lines_by_order = {
            order.pk: [OrderLine(order=order, **vars(line)) for line in item.lines] for order, item in zip(new_orders, fresh)
        }
        OrderLine.objects.bulk_create(line for lines in lines_by_order.values() for line in lines)
        for order in new_orders:
            order.listed_lines = lines_by_order[order.pk]
        record(new_orders, EventKind.CREATED, actor, now=now)
    made = {(o.provider_id, o.external_ref): o for o in new_orders}
    return [
        Created(
            external_ref=item.external_ref,
            order=made.get(key) or existing[key],
            created=key in made,
        )
        for item in orders
        for key in [(providers[item.warehouse], item.external_ref)]
    ]


def _owners(items: list[NewOrder], shops: dict[str, Organisation]) -> dict[tuple[str, str], CargoOwner]:
    """Each order's cargo owner, found or created within its own shop (owner IDs are the shop's own). An owner
    keeps the name it was first given: a later order never renames it (one provider cannot rewrite what the
    shop's other orders show); the admin corrects a name."""
    names: dict[tuple[str, str], str] = {}
    for item in items:
        names.setdefault((item.shop, item.owner_id), item.owner_name)

    codes = {shop.pk: code for code, shop in shops.items()}

    def known() -> dict[tuple[str, str], CargoOwner]:
        found = CargoOwner.objects.filter(shop_id__in=codes, external_id__in={owner_id for _code, owner_id in names})
        return {(codes[owner.shop_id], owner.external_id): owner for owner in found}

    owners = known()
    missing = [
        CargoOwner(shop=shops[code], external_id=owner_id, name=name)
        for (code, owner_id), name in names.items()
        if (code, owner_id) not in owners
    ]
    if missing:
        CargoOwner.objects.bulk_create(missing, ignore_conflicts=True)
        owners = known()
    return owners


def record_arrival(*, actor: Actor, numbers: list[str], at: datetime | None = None) -> list[ReverseOrder]:
    """The inbound scan, all or nothing (the API's promise). Restarts the instruction clock from arrival for
    orders still awaiting instruction."""
    now = timezone.now()
    with transaction.atomic():
        orders = take(actor, numbers, Action.RECORD_ARRIVAL)
        _arrive(actor, orders, at or now, now)
    return orders


@dataclass(frozen=True)
class ArrivalScan:
    """What a scanned or pasted list came to: the orders recorded, and every other number with its reason."""

    recorded: list[ReverseOrder]
    repeated: dict[str, int]  # number → how often it was scanned, for those scanned more than once
    refused: list[tuple[str, Code]]  # unknown (not_found), already arrived, or not an open order


def record_arrival_scan(*, actor: Actor, numbers: list[str], at: datetime | None = None) -> ArrivalScan:
    """The counter's scan box: a parcel scanned twice arrives once, and one unknown or already-arrived number does
    not hold back the rest; what could not arrive is reported by number."""
    counts = Counter(numbers)
    unique = list(counts)
    batch.check_size(unique)
    now = timezone.now()
    with transaction.atomic():
        found = selectors.orders_for_action(actor=actor, numbers=unique)
        plan = batch.plan(Action.RECORD_ARRIVAL, unique, found, actor.role)
        if plan.eligible:
            _arrive(actor, plan.eligible, at or now, now)
    repeated = {number: n for number, n in counts.items() if n > 1}
    return ArrivalScan(recorded=plan.eligible, repeated=repeated, refused=plan.refused)


def _arrive(actor: Actor, orders: list[ReverseOrder], at: datetime, now: datetime) -> None:
    """Record the arrival of `orders` (locked by the caller), the clock restarted, and their events."""
    moved = ReverseOrder.objects.filter(pk__in=[o.pk for o in orders], arrived_at__isnull=True).update(
        arrived_at=at, updated_at=now
    )
    if moved != len(orders):
        raise Refused(Code.ALREADY_ARRIVED, refused=[(o.number, Code.ALREADY_ARRIVED) for o in orders])
    days = deadline_days()
    waiting = defaultdict(list)
    for order in orders:
        order.arrived_at, order.updated_at = at, now
        if order.status == Status.AWAITING_INSTRUCTION:
            order.instruction_deadline = _deadline(order.reverse_type, at, days)
            waiting[order.reverse_type].append(order.pk)
    for reverse_type, pks in waiting.items():
        ReverseOrder.objects.filter(pk__in=pks).update(instruction_deadline=_deadline(reverse_type, at, days))
    record(orders, EventKind.ARRIVED, actor, {"arrived_at": at.isoformat()}, now=now)


def check_new_orders(*, actor: Actor, orders: list[NewOrder]) -> dict[str, str]:
    """The problems `create_orders` would refuse these orders with (field path → problem), writing nothing: an
    import reports them together with the file's own problems, in one pass."""
    return _validate_new(actor, orders)[2] if orders else {}
