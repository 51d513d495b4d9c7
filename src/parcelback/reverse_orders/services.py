"""One function per action. Each runs the same steps in one transaction:
lock (or conditionally update) → check → change → timeline event → outbox row.

Refusals raise `Refused` before anything is written; a batch is all or nothing.
"""
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Organisation, Role, Warehouse
from parcelback.core.errors import Code, Refused
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND, OutboxMessage

from . import batch, selectors, states
from .models import (
    CargoOwner,
    DeadlinePolicy,
    DestructionConfirmation,
    Event,
    EvidenceFile,
    ExceptionComment,
    ExceptionState,
    Execution,
    ExportJob,
    NumberSequence,
    OrderException,
    OrderLine,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
    Status,
)
from .serializers import order_data

Action = states.Action


# --- plumbing shared by every action ----------------------------------------------------------------


def _record(orders: list[ReverseOrder], kind: str, actor: Actor, data: dict | None = None, *, now: datetime) -> None:
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
                created_at=now,
            )
            for o in orders
        )


def _take(actor: Actor, numbers: list[str], action: Action, *, method: str | None = None) -> list[ReverseOrder]:
    """Load and lock the actor's orders among `numbers` and refuse the whole batch unless every one is eligible."""
    batch.check_size(numbers)
    found = selectors.orders_for_action(actor=actor, numbers=numbers)
    plan = batch.plan(action, numbers, found, actor.role, method=method)
    if not plan.ok:
        raise batch.refuse(plan)
    return plan.eligible


def _move(orders: list[ReverseOrder], action: Action, *, now: datetime, **changes) -> None:
    """Conditional update: only orders still in the action's source status move. If any did not, another
    request won the race; the transaction rolls back and the caller is refused as if it came second."""
    rule = states.TRANSITIONS[action]
    if rule.target:
        changes["status"] = rule.target
    moved = ReverseOrder.objects.filter(pk__in=[o.pk for o in orders], status__in=rule.sources).update(
        updated_at=now, **changes
    )
    if moved != len(orders):
        raise Refused(rule.done_code if rule.done else Code.WRONG_STATUS, refused=[(o.number, rule.done_code) for o in orders])
    for order in orders:
        order.updated_at = now
        for name, value in changes.items():
            setattr(order, name, value)


def _one(actor: Actor, number: str, action: Action) -> ReverseOrder:
    return _take(actor, [number], action)[0]


def _user(actor: Actor):
    if actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    return actor.user_id


# --- creation and arrival (provider) ----------------------------------------------------------------


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
    from .models import BusinessMode, ReverseType

    shops = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.SHOP, code__in={i.shop for i in items})}
    warehouses = Warehouse.objects.filter(code__in={i.warehouse for i in items})
    if actor.role != Role.ADMIN:
        warehouses = warehouses.filter(provider_id=actor.organisation.pk)
    warehouses = {w.code: w for w in warehouses}
    errors: dict[str, str] = {}
    refs: set[str] = set()
    for index, item in enumerate(items):
        def bad(name: str, problem: str) -> None:
            errors.setdefault(f"orders[{index}].{name}", problem)

        if not item.external_ref.strip():
            bad("external_ref", "required")
        elif item.external_ref in refs:
            bad("external_ref", "duplicate_in_batch")
        refs.add(item.external_ref)
        if item.shop not in shops:
            bad("shop", Code.UNKNOWN_SHOP)
        if item.warehouse not in warehouses:
            bad("warehouse", Code.UNKNOWN_WAREHOUSE)
        if item.reverse_type not in ReverseType.values:
            bad("reverse_type", "invalid_choice")
        if item.business_mode not in BusinessMode.values:
            bad("business_mode", "invalid_choice")
        if not item.owner_id.strip() or not item.owner_name.strip():
            bad("owner", "required")
        if not item.lines:
            bad("lines", "required")
        for n, line in enumerate(item.lines):
            if not (line.goods_id.strip() and line.goods_name.strip() and line.product_id.strip() and line.product_name.strip()):
                bad(f"lines[{n}]", "required")
            if line.quantity < 1:
                bad(f"lines[{n}].quantity", "must_be_positive")
    return shops, warehouses, errors


def create_orders(*, actor: Actor, orders: list[NewOrder], now: datetime | None = None) -> list[Created]:
    """A provider registers parcels that came back. Idempotent on its external reference; all or nothing."""
    if actor.role not in (Role.PROVIDER_OPERATOR, Role.ADMIN):
        raise Refused(Code.NOT_PERMITTED)
    batch.check_size([o.external_ref for o in orders])
    now = now or timezone.now()
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
        owners = _owners(fresh)
        days = deadline_days()
        numbers = allocate_numbers(len(fresh), timezone.localdate(now)) if fresh else []
        new_orders = [
            ReverseOrder(
                number=number,
                external_ref=item.external_ref,
                shop=shops[item.shop],
                provider_id=providers[item.warehouse],
                warehouse=warehouses[item.warehouse],
                owner=owners[item.owner_id],
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
        _record(new_orders, "created", actor, now=now)
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


def _owners(items: list[NewOrder]) -> dict[str, CargoOwner]:
    names = {i.owner_id: i.owner_name for i in items}
    known = {o.external_id: o for o in CargoOwner.objects.filter(external_id__in=names)}
    missing = [CargoOwner(external_id=k, name=v) for k, v in names.items() if k not in known]
    CargoOwner.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        known = {o.external_id: o for o in CargoOwner.objects.filter(external_id__in=names)}
    return known


def record_arrival(*, actor: Actor, numbers: list[str], at: datetime | None = None) -> list[ReverseOrder]:
    """The inbound scan. Restarts the instruction clock from arrival for orders still awaiting instruction."""
    now = timezone.now()
    at = at or now
    with transaction.atomic():
        orders = _take(actor, numbers, Action.RECORD_ARRIVAL)
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
        _record(orders, "arrived", actor, {"arrived_at": at.isoformat()}, now=now)
    return orders


# --- the merchant's instructions --------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    orders: list[ReverseOrder]
    pickup_code: str | None  # shown once to the merchant for a self-pickup batch; only its hash is kept


def hash_pickup_code(code: str) -> str:
    return salted_hmac("parcelback.pickup-code", code.strip()).hexdigest()


def register_pickup(*, actor: Actor, numbers: list[str], details: batch.PickupDetails) -> Registered:
    """登记提货: one method and one set of details for every order; a self-pickup batch gets one pickup code."""
    now = timezone.now()
    if problems := batch.detail_problems(details, now=now):
        raise Refused(Code.INVALID, field=next(iter(problems)), errors=problems)
    user_id = _user(actor)
    code = f"{secrets.randbelow(10**6):06d}" if details.method == PickupMethod.SELF_PICKUP else None
    with transaction.atomic():
        orders = _take(actor, numbers, Action.REGISTER_PICKUP, method=details.method)
        _move(orders, Action.REGISTER_PICKUP, now=now, pickup_method=details.method)
        sp, fw = details.self_pickup, details.forward
        fields = {"method": details.method, "remark": details.remark.strip()}
        if sp:
            fields |= {
                "expected_pickup_at": sp.expected_pickup_at,
                "picker_name": sp.picker_name.strip(),
                "picker_phone": sp.picker_phone.strip(),
                "pickup_code_hash": hash_pickup_code(code),
            }
        if fw:
            fields |= {name: str(value).strip() for name, value in vars(fw).items()}
        PickupRegistration.objects.bulk_create(
            PickupRegistration(order=o, registered_by_id=user_id, created_at=now, **fields) for o in orders
        )
        shown = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items() if k != "pickup_code_hash"}
        _record(orders, "pickup_registered", actor, shown, now=now)
    return Registered(orders=orders, pickup_code=code)


def confirm_destruction(*, actor: Actor, numbers: list[str], confirm: bool) -> list[ReverseOrder]:
    """确认销毁: irreversible, so it happens only when the second confirmation was given."""
    if not confirm:
        raise Refused(Code.CONFIRMATION_REQUIRED, field="confirm")
    now = timezone.now()
    user_id = _user(actor)
    with transaction.atomic():
        orders = _take(actor, numbers, Action.CONFIRM_DESTRUCTION)
        _move(orders, Action.CONFIRM_DESTRUCTION, now=now)
        DestructionConfirmation.objects.bulk_create(
            DestructionConfirmation(order=o, confirmed_by_id=user_id, created_at=now) for o in orders
        )
        _record(orders, "destruction_confirmed", actor, now=now)
    return orders


# --- the provider's execution -----------------------------------------------------------------------


def hand_over(*, actor: Actor, number: str, pickup_code: str, handed_to: str) -> ReverseOrder:
    """The picker presents the pickup code; a wrong code changes nothing."""
    if not handed_to.strip():
        raise Refused(Code.INVALID, field="handed_to", errors={"handed_to": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = _one(actor, number, Action.HAND_OVER)
        expected = PickupRegistration.objects.get(order=order).pickup_code_hash
        if not constant_time_compare(expected, hash_pickup_code(pickup_code or "")):
            raise Refused(Code.PICKUP_CODE_MISMATCH, field="pickup_code")
        _move([order], Action.HAND_OVER, now=now)
        Execution.objects.create(
            order=order, kind=Execution.Kind.HANDOVER, handed_to=handed_to.strip(), executed_by_id=_user(actor), created_at=now
        )
        _record([order], "handed_over", actor, {"handed_to": handed_to.strip()}, now=now)
    return order


def forward(*, actor: Actor, number: str, carrier: str, tracking_number: str) -> ReverseOrder:
    """The provider shipped the parcel to the registered address."""
    errors = {name: "required" for name, value in (("carrier", carrier), ("tracking_number", tracking_number)) if not value.strip()}
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = _one(actor, number, Action.FORWARD)
        _move([order], Action.FORWARD, now=now)
        data = {"carrier": carrier.strip(), "tracking_number": tracking_number.strip()}
        Execution.objects.create(order=order, kind=Execution.Kind.FORWARD, executed_by_id=_user(actor), created_at=now, **data)
        _record([order], "forwarded", actor, data, now=now)
    return order


EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 10


def _head(upload) -> bytes:
    head = upload.read(12)
    upload.seek(0)
    return head


def _evidence_problem(files, kinds) -> str | None:
    if not files:
        return "required"
    if len(files) > EVIDENCE_MAX_FILES:
        return "too_many_files"
    if any(upload.size > EVIDENCE_MAX_BYTES for upload in files):
        return "file_too_large"
    if any(kind not in EVIDENCE_TYPES for kind in kinds):
        return "unsupported_file_type"
    return None


def _sniff(head: bytes) -> str | None:
    """The file's real type from its first bytes; the client's claimed content type is not trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def destroy(*, actor: Actor, number: str, destroyed_at: datetime | None, method: str, evidence: list) -> ReverseOrder:
    """The provider destroyed the parcel: when, how, and files that prove it."""
    now = timezone.now()
    errors = {}
    if destroyed_at is None:
        errors["destroyed_at"] = "required"
    elif destroyed_at > now + timedelta(minutes=5):
        errors["destroyed_at"] = "in_future"
    if not method.strip():
        errors["method"] = "required"
    kinds = [_sniff(_head(upload)) for upload in evidence]
    if problem := _evidence_problem(evidence, kinds):
        errors["evidence"] = problem
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        order = _one(actor, number, Action.DESTROY)
        _move([order], Action.DESTROY, now=now)
        execution = Execution.objects.create(
            order=order,
            kind=Execution.Kind.DESTRUCTION,
            destroyed_at=destroyed_at,
            destruction_method=method.strip(),
            executed_by_id=_user(actor),
            created_at=now,
        )
        for upload, content_type in zip(evidence, kinds):
            EvidenceFile.objects.create(execution=execution, file=upload, content_type=content_type, size=upload.size)
        data = {"destroyed_at": destroyed_at.isoformat(), "method": method.strip(), "evidence_files": len(evidence)}
        _record([order], "destroyed", actor, data, now=now)
    return order


def cancel(*, actor: Actor, number: str, reason: str) -> ReverseOrder:
    """Withdraw an order created in error, before the merchant gave any instruction."""
    if not reason.strip():
        raise Refused(Code.INVALID, field="reason", errors={"reason": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = _one(actor, number, Action.CANCEL)
        _move([order], Action.CANCEL, now=now)
        _record([order], "cancelled", actor, {"reason": reason.strip()}, now=now)
    return order


# --- exceptions -------------------------------------------------------------------------------------


def raise_exception(*, actor: Actor, number: str, type: str, description: str) -> OrderException:
    """The warehouse (or the system, e.g. for an overdue order) reports a problem with a parcel."""
    errors = {}
    if type not in OrderException.Type.values:
        errors["type"] = "invalid_choice"
    if not description.strip():
        errors["description"] = "required"
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = _one(actor, number, Action.RAISE_EXCEPTION)
        moved = ReverseOrder.objects.filter(pk=order.pk).exclude(exception_state=ExceptionState.PENDING).update(
            exception_state=ExceptionState.PENDING, updated_at=now
        )
        if moved != 1:
            raise Refused(Code.EXCEPTION_OPEN)
        order.exception_state, order.updated_at = ExceptionState.PENDING, now
        exception = OrderException.objects.create(
            order=order, type=type, description=description.strip(), raised_by_id=actor.user_id, raised_at=now
        )
        _record([order], "exception_raised", actor, {"exception_id": exception.pk, "type": type, "description": description.strip()}, now=now)
    return exception


def _open_exception(order: ReverseOrder, exception_id: int) -> OrderException:
    exception = order.exceptions.filter(pk=exception_id).first()
    if exception is None:
        raise Refused(Code.NOT_FOUND, field="exception")
    if not exception.is_open:
        raise Refused(Code.EXCEPTION_NOT_OPEN)
    return exception


def comment_exception(*, actor: Actor, number: str, exception_id: int, body: str) -> ExceptionComment:
    """Either side adds to the exception's thread."""
    if not body.strip():
        raise Refused(Code.INVALID, field="body", errors={"body": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = _one(actor, number, Action.COMMENT_EXCEPTION)
        exception = _open_exception(order, exception_id)
        comment = ExceptionComment.objects.create(exception=exception, author_id=_user(actor), body=body.strip(), created_at=now)
        ReverseOrder.objects.filter(pk=order.pk).update(updated_at=now)
        order.updated_at = now
        _record([order], "exception_commented", actor, {"exception_id": exception.pk, "body": body.strip()}, now=now)
    return comment


def resolve_exception(*, actor: Actor, number: str, exception_id: int, note: str) -> OrderException:
    """The merchant or provider closes the exception with a note; the order's status is untouched."""
    if not note.strip():
        raise Refused(Code.INVALID, field="note", errors={"note": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = _one(actor, number, Action.RESOLVE_EXCEPTION)
        exception = _open_exception(order, exception_id)
        closed = OrderException.objects.filter(pk=exception.pk, is_open=True).update(
            is_open=False, resolved_by_id=_user(actor), resolved_at=now, resolution_note=note.strip()
        )
        if closed != 1:
            raise Refused(Code.EXCEPTION_NOT_OPEN)
        ReverseOrder.objects.filter(pk=order.pk).update(exception_state=ExceptionState.RESOLVED, updated_at=now)
        order.exception_state, order.updated_at = ExceptionState.RESOLVED, now
        _record([order], "exception_resolved", actor, {"exception_id": exception.pk, "note": note.strip()}, now=now)
    exception.refresh_from_db()
    return exception


# --- deadlines (run by the system from the worker) --------------------------------------------------

# Reminders go out when the instruction deadline is this many days away (the tightest window only).
REMINDER_DAYS = (3, 1)


def remind_deadlines(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind both sides, once per window, that an order still awaiting instruction is near its deadline."""
    from parcelback.accounts.actors import SYSTEM

    now = now or timezone.now()
    windows = list(zip(REMINDER_DAYS, [*REMINDER_DAYS[1:], 0]))
    sent = 0
    for days, closer in windows:
        with transaction.atomic():
            due = selectors.deadline_due(
                start=now + timedelta(days=closer),
                end=now + timedelta(days=days),
                limit=limit,
                without_event={"kind": "deadline_near", "data__days_left": days},
            )
            # Read after the rows are locked: a second sweeper waits, then sees the first one's reminders.
            reminded = set(
                Event.objects.filter(order__in=due, kind="deadline_near", data__days_left=days).values_list("order_id", flat=True)
            )
            orders = [o for o in due if o.pk not in reminded]
            if orders:
                _record(orders, "deadline_near", SYSTEM, {"days_left": days}, now=now)
            sent += len(orders)
    return sent


def flag_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """When the deadline passes without an instruction, the system raises an "overdue" exception (once per order).
    An order whose other exception is still open is flagged once that one is resolved."""
    from django.utils import translation
    from django.utils.translation import gettext

    from parcelback.accounts.actors import SYSTEM

    now = now or timezone.now()
    flagged = 0
    due = selectors.deadline_due(
        start=None, end=now, limit=limit, lock=False, without_event={"kind": "overdue"}, exclude_pending_exception=True
    )
    for order in due:
        with transaction.atomic():
            if not selectors.orders_for_action(actor=SYSTEM, numbers=[order.number]):
                continue
            if Event.objects.filter(order=order, kind="overdue").exists():
                continue
            with translation.override(settings.LANGUAGE_CODE):
                description = gettext("The instruction deadline %(deadline)s passed without an instruction.") % {
                    "deadline": timezone.localtime(order.instruction_deadline).strftime("%Y-%m-%d %H:%M")
                }
            try:
                with transaction.atomic():
                    data = {"instruction_deadline": order.instruction_deadline.isoformat()}
                    _record([order], "overdue", SYSTEM, data, now=timezone.now())
                    raise_exception(actor=SYSTEM, number=order.number, type=OrderException.Type.OVERDUE, description=description)
            except Refused:
                continue  # it moved on meanwhile (instructed, cancelled, or an exception opened): nothing is kept
            flagged += 1
    return flagged


def start_export(*, actor: Actor, params: str, fmt: str, total: int, language: str, time_zone: str) -> ExportJob:
    """A list too large to stream in one request becomes a job for the worker; anyone who may read may export."""
    if actor.role is None or actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    if fmt not in ("csv", "xlsx"):
        raise Refused(Code.INVALID, field="fmt")
    return ExportJob.objects.create(
        user_id=actor.user_id, params=params, fmt=fmt, total=total, language=language, time_zone=time_zone
    )
