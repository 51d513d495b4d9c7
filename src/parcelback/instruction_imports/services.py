"""Instructions from a spreadsheet: every row checked with the registration dialogs' own rules (`batch.detail_problems`
for the details, `batch.plan` for each order's eligibility), rows with the same instruction grouped into the
registrations they will form, and on submission each group written through the same services as the dialogs
(`register_pickup`, `confirm_destruction`), all or nothing per group. The import and each row's outcome are kept."""
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcelback.accounts.actors import Actor
from parcelback.core.errors import MESSAGES, Code, Refused, problem_text
from parcelback.reverse_orders import batch, selectors, services, states
from parcelback.reverse_orders.models import PickupMethod, PickupRegistration, max_length

from .models import InstructionImport
from .selectors import instruction_import
from .sheets import DESTROY, METHODS, label, method_key

Action = states.Action
CODES = {code.value for code in Code}
SELF_PICKUP, FORWARD = str(PickupMethod.SELF_PICKUP), str(PickupMethod.FORWARD)
DETAIL_FIELDS = {
    SELF_PICKUP: ("expected_pickup_at", "picker_name", "picker_phone", "remark"),
    FORWARD: ("recipient_name", "recipient_phone", "country", "province", "city", "district", "street", "postcode", "remark"),
    DESTROY: (),
}
# Problems only a file has (a form's date picker cannot produce them), beside core.errors' PROBLEMS.
FILE_PROBLEMS = {"invalid_datetime": gettext_lazy("请填写有效的时间,如 2026-12-01 14:00")}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


class Outcome:
    REGISTERED = "registered"
    DESTRUCTION_CONFIRMED = "destruction_confirmed"
    REFUSED = "refused"  # the row had a problem in the plan: not submitted
    SKIPPED = "skipped"  # no 处理方式: the order was left for later
    FAILED = "failed"  # its group was refused when submitted (someone acted first): nothing of the group written


def may_import(actor: Actor) -> bool:
    """Only those who may give instructions (merchant operators) download the template and import it."""
    return actor.role in states.TRANSITIONS[Action.REGISTER_PICKUP].roles and actor.organisation is not None


def check_may_import(actor: Actor) -> None:
    if not may_import(actor):
        raise Refused(Code.NOT_PERMITTED)


def problem_message(code: str) -> str:
    """A row's problem in words: an order's refusal (`not_found`, `wrong_status` …) or a cell's problem."""
    if code in CODES:
        return str(MESSAGES[Code(code)])
    return str(FILE_PROBLEMS.get(code) or problem_text(code))


def _moment(text: str) -> datetime | None | str:
    """预计提货时间 as typed or as Excel stored it, in the user's time zone; "invalid" when it is not a time."""
    if not text:
        return None
    text = text.replace("/", "-").strip()
    for fmt in DATETIME_FORMATS:
        try:
            moment = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return "invalid"
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _details(method: str, values: dict) -> tuple[batch.PickupDetails | None, dict[str, str]]:
    """The row's details as the dialogs take them, and the problems of its cells (the dialogs' rules, plus the
    column lengths a form's max_length would have enforced)."""
    if method == DESTROY:
        return None, {}
    problems = {
        name: "too_long" for name in DETAIL_FIELDS[method]
        if name != "expected_pickup_at" and len(values[name]) > max_length(PickupRegistration, name)
    }
    remark = values["remark"]
    if method == SELF_PICKUP:
        moment = _moment(values["expected_pickup_at"])
        if moment == "invalid":
            problems["expected_pickup_at"] = "invalid_datetime"
            moment = None
        details = batch.PickupDetails(
            method=method,
            self_pickup=batch.SelfPickupDetails(moment, values["picker_name"], values["picker_phone"]),
            remark=remark,
        )
    else:
        names = ("recipient_name", "recipient_phone", "country", "province", "city", "street", "postcode", "district")
        details = batch.PickupDetails(method=method, forward=batch.ForwardDetails(**{n: values[n] for n in names}), remark=remark)
    found = batch.detail_problems(details, now=timezone.now())
    return details, found | problems


@dataclass
class Group:
    """The rows that become one registration (one pickup code for 自提) or one destruction confirmation."""

    index: int
    method: str
    details: batch.PickupDetails | None
    warehouse: object | None  # 自提 only: the warehouse whose counter the code opens
    rows: list[dict] = field(default_factory=list)

    @property
    def numbers(self) -> list[str]:
        return [row["values"]["number"] for row in self.rows]

    def as_json(self) -> dict:
        warehouse = {"code": self.warehouse.code, "name": self.warehouse.name} if self.warehouse else None
        return {"index": self.index, "method": self.method, "warehouse": warehouse, "orders": self.numbers}


@dataclass
class ImportPlan:
    rows: list[dict]  # each: line, values, problems (column → code), group (index or None), outcome
    groups: list[Group]

    @property
    def refused(self) -> list[dict]:
        return [row for row in self.rows if row["problems"]]

    def refused_pairs(self) -> list[tuple[str, Code]]:
        """The refused rows as a batch refusal names them: the order and its code (`invalid` for a cell's problem)."""
        pairs = []
        for row in self.refused:
            code = row["problems"].get("number")
            pairs.append((row["values"]["number"], Code(code) if code in CODES else Code.INVALID))
        return pairs


PROGRESS_EVERY = 500  # rows between two progress reports of a plan


def is_large(rows: list) -> bool:
    """Whether the worker checks and submits these rows (a progress page meanwhile) rather than the request."""
    return len(rows) > settings.PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS


def plan(*, actor: Actor, rows: list[dict], progress=None) -> ImportPlan:
    """Check every row and group the good ones. Rows are {"line", "values"} as `sheets.read` gives them.
    `progress(rows_checked)` is called now and then (the worker's progress bar)."""
    check_may_import(actor)
    counts: dict[str, int] = {}
    for row in rows:
        number = row["values"]["number"]
        counts[number] = counts.get(number, 0) + 1
    checked: list[dict] = []
    details_of: dict[int, batch.PickupDetails | None] = {}
    for position, row in enumerate(rows):
        if progress and position and not position % PROGRESS_EVERY:
            progress(position)
        values = row["values"]
        method = method_key(values["method"])
        entry = {"line": row["line"], "values": values, "problems": {}, "group": None, "outcome": ""}
        checked.append(entry)
        if not method:
            entry["outcome"] = Outcome.SKIPPED
            continue
        problems = entry["problems"]
        if not values["number"]:
            problems["number"] = "required"
        elif counts[values["number"]] > 1:
            problems["number"] = str(Code.DUPLICATE_IN_BATCH)  # which line is meant cannot be told: none is taken
        if method not in METHODS:
            problems["method"] = "invalid_choice"
            continue
        details_of[position], found = _details(method, values)
        problems |= {name: code for name, code in found.items() if name in DETAIL_FIELDS[method]}
        problems |= {"method": code for name, code in found.items() if name not in DETAIL_FIELDS[method]}
    _check_orders(actor, checked)
    return ImportPlan(rows=checked, groups=_groups(checked, details_of, actor))


def _check_orders(actor: Actor, rows: list[dict]) -> dict:
    """Each order's eligibility, by `batch.plan` as in the dialogs (one read for the whole file)."""
    wanted = [r for r in rows if r["outcome"] != Outcome.SKIPPED and "number" not in r["problems"] and "method" not in r["problems"]]
    found = selectors.orders_among(actor=actor, numbers=[r["values"]["number"] for r in wanted])
    for action, methods in ((Action.REGISTER_PICKUP, {SELF_PICKUP, FORWARD}), (Action.CONFIRM_DESTRUCTION, {DESTROY})):
        numbers = [r["values"]["number"] for r in wanted if method_key(r["values"]["method"]) in methods]
        refused = dict(batch.plan(action, numbers, found, actor.role).refused) if numbers else {}
        for row in wanted:
            if (code := refused.get(row["values"]["number"])) and method_key(row["values"]["method"]) in methods:
                row["problems"]["number"] = str(code)
    by_number = {o.number: o for o in found}
    for row in rows:
        row["order"] = by_number.get(row["values"]["number"])
    return by_number


def _groups(rows: list[dict], details_of: dict, actor: Actor) -> list[Group]:
    """Rows with the same method and the same details form one group; 自提 also by warehouse (one code each).
    A group holds at most PARCELBACK_MAX_BATCH orders (what one registration takes): beyond, a next one begins."""
    groups: list[Group] = []
    current: dict[tuple, Group] = {}
    for position, row in enumerate(rows):
        order = row.pop("order", None)
        if row["problems"] or row["outcome"] == Outcome.SKIPPED or order is None:
            continue
        method = method_key(row["values"]["method"])
        details = details_of.get(position)
        warehouse = order.warehouse if method == SELF_PICKUP else None
        key = (method, details, warehouse.pk if warehouse else None)
        if key not in current or len(current[key].rows) >= settings.PARCELBACK_MAX_BATCH:
            current[key] = Group(index=len(groups) + 1, method=method, details=details, warehouse=warehouse)
            groups.append(current[key])
        current[key].rows.append(row)
        row["group"] = current[key].index
    return groups


def record(*, actor: Actor, file_name: str, planned: ImportPlan) -> InstructionImport:
    """Keep the upload and its plan: who, when, which file, each row as read and what the plan said."""
    check_may_import(actor)
    return InstructionImport.objects.create(
        user_id=actor.user_id, organisation=actor.organisation, file_name=file_name[:255], rows=planned.rows,
        groups=[g.as_json() for g in planned.groups],
    )


def upload(*, actor: Actor, file_name: str, rows: list[dict], submit: bool = False, only_valid: bool = False):
    """A file's rows: planned and recorded now, or (large) recorded as read for the worker to check (`checking`);
    `submit`: and then submitted by the worker (the API's dry_run=false on a large file)."""
    check_may_import(actor)
    if not is_large(rows):
        return record(actor=actor, file_name=file_name, planned=plan(actor=actor, rows=rows))
    return InstructionImport.objects.create(
        user_id=actor.user_id, organisation=actor.organisation, file_name=file_name[:255], rows=rows, total=len(rows),
        status=InstructionImport.Status.CHECKING, submit_requested=submit, only_valid=only_valid,
        submitter_id=actor.user_id if submit else None, language=translation.get_language() or "",
        time_zone=timezone.get_current_timezone_name(),
    )


def request_submission(*, actor: Actor, import_id: int, only_valid: bool) -> InstructionImport:
    """A large planned import: handed to the worker to submit (checked again there, as `submit` does); exactly one
    request wins. The rows are checked again by the worker, which gives the import back as planned, with the
    reason, when rows became refused and not only the valid groups were asked for."""
    check_may_import(actor)
    found = instruction_import(actor=actor, import_id=import_id)
    claimed = InstructionImport.objects.filter(pk=found.pk, status=InstructionImport.Status.PLANNED).update(
        status=InstructionImport.Status.SUBMITTING, only_valid=only_valid, submitter_id=actor.user_id,
        progress=0, total=0, error="", leased_until=None,
    )
    if not claimed:
        raise Refused(Code.ALREADY_SUBMITTED)
    found.refresh_from_db()
    return found


def write_group(actor: Actor, group: Group) -> list:
    """One group through the dialogs' service, all or nothing; each row's outcome set (`failed` with the refusal's
    code when refused, raised again). Answers the group's pickup codes as (group, WarehouseCode)."""
    try:
        if group.method == DESTROY:
            services.confirm_destruction(actor=actor, numbers=group.numbers, confirm=True)
            outcome, codes = Outcome.DESTRUCTION_CONFIRMED, []
        else:
            registered = services.register_pickup(actor=actor, numbers=group.numbers, details=group.details)
            outcome, codes = Outcome.REGISTERED, [(group, c) for c in registered.codes]
    except Refused as refused:
        refusals = dict(refused.refused)
        for row in group.rows:
            row["outcome"] = Outcome.FAILED
            row["code"] = str(refusals.get(row["values"]["number"], refused.code))
        raise
    for row in group.rows:
        row["outcome"] = outcome
    return codes


def groups_from_rows(rows: list[dict], groups: list[dict]) -> list[Group]:
    """The groups of a recorded plan again, with their details read from their rows (a worker submitting a large
    import in chunks keeps the plan it made at the start, since its own writes change what a new plan would say)."""
    grouped = groups_of(rows)
    found = []
    for entry in groups:
        members = grouped.get(entry["index"], [])
        if members:
            details, _problems = _details(entry["method"], members[0]["values"])
            found.append(Group(index=entry["index"], method=entry["method"], details=details, warehouse=None, rows=members))
    return found


@dataclass
class Submitted:
    record: InstructionImport
    groups: list[Group]  # the groups written
    failed: list[tuple[Group, Refused]]  # the groups refused on submission
    codes: list[tuple[Group, object]]  # (group, its WarehouseCode): shown once; only their hashes are kept


def submit(*, actor: Actor, import_id: int, only_valid: bool) -> Submitted:
    """Submit a planned import, checked again now. All: only when every row is good, else nothing is written and
    the refused rows are named. Only valid: the good groups, the refused rows left. Each group is one registration
    (or destruction confirmation) written by the dialogs' service, all or nothing; a group refused at this moment
    (another person acted first) leaves the others standing. An import is submitted once."""
    check_may_import(actor)
    found = instruction_import(actor=actor, import_id=import_id)
    if found.status != InstructionImport.Status.PLANNED:
        raise Refused(Code.ALREADY_SUBMITTED)
    planned = plan(actor=actor, rows=[{"line": r["line"], "values": r["values"]} for r in found.rows])
    if planned.refused and not only_valid:
        raise Refused(Code.BATCH_REFUSED, refused=planned.refused_pairs())
    if not planned.groups:
        raise Refused(Code.EMPTY_BATCH)
    now = timezone.now()
    claimed = InstructionImport.objects.filter(pk=found.pk, status=InstructionImport.Status.PLANNED)
    if not claimed.update(status=InstructionImport.Status.SUBMITTED, submitted_at=now):
        raise Refused(Code.ALREADY_SUBMITTED)  # submitted meanwhile: exactly one submission wins
    written, failed, codes = [], [], []
    for group in planned.groups:
        try:
            codes += write_group(actor, group)
        except Refused as refused:
            failed.append((group, refused))
            continue
        written.append(group)
    for row in planned.rows:
        if row["problems"]:
            row["outcome"] = Outcome.REFUSED
    InstructionImport.objects.filter(pk=found.pk).update(rows=planned.rows, groups=[g.as_json() for g in planned.groups])
    found.refresh_from_db()
    return Submitted(record=found, groups=written, failed=failed, codes=codes)


def outcome_text(row: dict) -> str:
    """A row's result in words, for the page and the result file."""
    outcome = row.get("outcome")
    if row["problems"]:
        reasons = "; ".join(f"{label(name)}:{problem_message(code)}" for name, code in row["problems"].items())
        prefix = _("未提交") if outcome == Outcome.REFUSED else _("有误")
        return f"{prefix}:{reasons}"
    if outcome == Outcome.REGISTERED:
        return _("已登记提货(第 %(group)s 组)") % {"group": row["group"]}
    if outcome == Outcome.DESTRUCTION_CONFIRMED:
        return _("已确认销毁(第 %(group)s 组)") % {"group": row["group"]}
    if outcome == Outcome.FAILED:
        return _("未提交:%(reason)s") % {"reason": problem_message(row.get("code", ""))}
    if outcome == Outcome.SKIPPED:
        return _("未填写处理方式,未处理")
    if row.get("group"):
        return _("待提交(第 %(group)s 组)") % {"group": row["group"]}
    return ""


def shown(row: dict) -> dict:
    """A stored row with every key a plan gives (rows of an import still checking, or failed there, are as read)."""
    return {"problems": {}, "group": None, "outcome": ""} | row


def groups_of(rows: list[dict]) -> dict[int, list[dict]]:
    """The stored rows by group, for showing a kept plan or result."""
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        if row.get("group"):
            grouped.setdefault(row["group"], []).append(row)
    return grouped
