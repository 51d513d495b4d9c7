"""Every read of reverse orders, each starting from `visible_to(actor)`: out of scope is simply not there."""
from collections import namedtuple
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.actors import SYSTEM, Actor
from parcelback.core.errors import Code, Refused

from .filters import TABS, ReverseOrderFilter, split_numbers
from .models import (
    AcceptanceState,
    BusinessMode,
    Event,
    ExceptionComment,
    ExceptionState,
    ExportJob,
    OrderException,
    OrderLine,
    PickupMethod,
    ReverseOrder,
    ReverseType,
    SavedView,
    Status,
)
from .states import OPEN

LIST_RELATED = ("shop", "warehouse", "owner")


def visible_orders(actor: Actor):
    return ReverseOrder.objects.visible_to(actor)


# --- the API's list as plain values -----------------------------------------------------------------
# Building model instances for a page (and prefetching lines into them) was a third of a list call's time through
# the server; the API's list reads its columns as values and its lines as tuples instead.
Line = namedtuple("Line", "product_id product_name goods_id goods_name quantity")
Party = namedtuple("Party", "code name")
Owner = namedtuple("Owner", "external_id name")
PLAIN = (
    "id", "number", "external_ref", "sales_return_no", "order_no", "reverse_type", "status", "exception_state",
    "acceptance_state", "pickup_method", "business_mode", "inbound_tracking_number", "arrived_at", "instruction_deadline",
    "created_at", "updated_at",
)
RELATED = ("shop__code", "shop__name", "warehouse__code", "warehouse__name", "owner__external_id", "owner__name")


def display(field: str, choices):
    """`get_<field>_display` for plain rows: the choice's label, None where the column is."""
    labels = dict(choices)
    return lambda row: labels.get(getattr(row, field))


class ListedOrder:
    """An order of a list page as plain values, with the attributes `order_data`, the list's rows, the state table
    and the keyset cursor read of a model instance."""

    __slots__ = (*PLAIN, "shop", "warehouse", "owner", "line_items")
    days_left = ReverseOrder.days_left
    get_status_display = display("status", Status.choices)
    get_reverse_type_display = display("reverse_type", ReverseType.choices)
    get_exception_state_display = display("exception_state", ExceptionState.choices)
    get_acceptance_state_display = display("acceptance_state", AcceptanceState.choices)
    get_pickup_method_display = display("pickup_method", PickupMethod.choices)
    get_business_mode_display = display("business_mode", BusinessMode.choices)

    def __init__(self, row: tuple, line_items: list):
        for name, value in zip(PLAIN, row):
            setattr(self, name, value)
        shop_code, shop_name, warehouse_code, warehouse_name, owner_id, owner_name = row[len(PLAIN):]
        self.shop, self.warehouse = Party(shop_code, shop_name), Party(warehouse_code, warehouse_name)
        self.owner, self.line_items = Owner(owner_id, owner_name), line_items

    @property
    def pk(self) -> int:
        return self.id


def listed(queryset) -> list[ListedOrder]:
    """The rows of a list queryset (sliced to a page) as `ListedOrder`s, their lines from one more query."""
    rows = list(queryset.prefetch_related(None).values_list(*PLAIN, *RELATED))
    lines: dict[int, list[Line]] = {row[0]: [] for row in rows}
    if rows:
        found = OrderLine.objects.filter(order_id__in=list(lines)).order_by("id")
        for order_id, *line in found.values_list("order_id", *Line._fields):
            lines[order_id].append(Line._make(line))
    return [ListedOrder(row, lines[row[0]]) for row in rows]


def order_list(*, actor: Actor, params) -> ReverseOrderFilter:
    """The filtered list; `.qs` is ordered and ready to page, `.errors` says what was wrong with `params`."""
    # A plain list per order (`to_attr`): a related manager per row would cost a queryset clone each.
    base = visible_orders(actor).select_related(*LIST_RELATED).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"), to_attr="listed_lines")
    )
    return ReverseOrderFilter(params, queryset=base)


PAGE_SIZES = (20, 50, 100, 200)


@dataclass
class ListPage:
    """The list page's contract: the filters as understood, one page of orders, the per-tab counts and the total."""

    filterset: ReverseOrderFilter
    counts: dict[str, int]
    page: Page
    per_page: int


def list_page(*, actor: Actor, params) -> ListPage:
    """The console's list: the filterset over the actor's orders, the tab counts, and the requested page of the
    requested size (`page`, `per_page`), counted from the tab counts rather than by a second COUNT(*)."""
    filterset = order_list(actor=actor, params=params)
    counts = tab_counts(actor=actor, params=params)
    per_page = int(params["per_page"]) if params.get("per_page") in map(str, PAGE_SIZES) else 50
    paginator = Paginator(filterset.console_qs, per_page)
    paginator.count = filterset.total_from(counts)
    return ListPage(filterset=filterset, counts=counts, page=paginator.get_page(params.get("page")), per_page=per_page)


def numbers_matching(*, actor: Actor, params, limit: int) -> tuple[list[str], int]:
    """"Select all N matching": the numbers of every order the list shows under `params` (at most `limit`, in the
    list's order) and how many match; the count is only taken when there are more than `limit`."""
    filterset = order_list(actor=actor, params=params)
    if not filterset.is_valid():
        return [], 0
    numbers = list(filterset.console_qs.prefetch_related(None).values_list("number", flat=True)[: limit + 1])
    total = len(numbers) if len(numbers) <= limit else filterset.qs.order_by().count()
    return numbers[:limit], total


@dataclass
class PastedCheck:
    """How many of the pasted numbers the list found, and which it did not (as pasted)."""

    pasted: int
    found: int
    missing: list[str]


def pasted_check(filterset: ReverseOrderFilter) -> PastedCheck | None:
    """Pasted numbers against the whole filtered list (every page, the other filters applied too), compared
    case-insensitively; None when nothing was pasted or the filters are invalid. One query."""
    pasted: dict[str, str] = {}
    for number in split_numbers(filterset.data.get("numbers", "")):
        pasted.setdefault(number.upper(), number)
    if not pasted or not filterset.is_valid():
        return None
    matched = filterset.qs.order_by().prefetch_related(None).values_list(filterset.number_field, flat=True)
    found = {value.upper() for value in matched}
    missing = [number for key, number in pasted.items() if key not in found]
    return PastedCheck(pasted=len(pasted), found=len(pasted) - len(missing), missing=missing)


def tab_counts(*, actor: Actor, params) -> dict[str, int]:
    """Counts per tab under every current filter but the tab itself. The 逆向类型 filter exists only on the 全部
    tab, so it counts there (全部 then shows exactly the list's total) and is set aside on the other tabs."""
    others = params.copy()
    on_all_tab = others.get("tab") not in {value for value, _label in TABS if value != "all"}
    for key in ("tab", "ordering", *(() if on_all_tab else ("reverse_type",))):
        others.pop(key, None)
    filtered = ReverseOrderFilter(others, queryset=visible_orders(actor)).qs.order_by()
    # COUNT(*), not COUNT(id): the count needs no column outside the index (ro_shop_status_wh_type).
    per_type = dict(filtered.values_list("reverse_type").annotate(n=Count("*")).values_list("reverse_type", "n"))
    counts = {value: per_type.get(value, 0) for value, _label in TABS if value != "all"}
    counts["all"] = sum(counts.values())
    return counts


def order_detail(*, actor: Actor, number: str) -> ReverseOrder:
    """One order with everything the detail page and API show; 404 if the actor may not see it."""
    order = (
        visible_orders(actor)
        .select_related(*LIST_RELATED, "registration", "destruction_confirmation", "execution", "acceptance__answered_by")
        .prefetch_related(
            "lines",
            "execution__evidence",
            Prefetch(
                "exceptions",
                queryset=OrderException.objects.prefetch_related(
                    Prefetch("comments", queryset=ExceptionComment.objects.select_related("author").prefetch_related("files")),
                    "files",
                ),
            ),
            Prefetch("events", queryset=Event.objects.order_by("at", "id")),
        )
        .filter(number=number)
        .first()
    )
    if order is None:
        raise Refused(Code.NOT_FOUND)
    return order


def orders_for_action(*, actor: Actor, numbers: list[str]) -> list[ReverseOrder]:
    """The actor's visible orders among `numbers`, locked for the rest of the transaction where the database can."""
    queryset = visible_orders(actor).filter(number__in=set(numbers)).select_related(*LIST_RELATED)
    if connection.features.has_select_for_update:
        queryset = queryset.select_for_update(of=("self",))
    return list(queryset.prefetch_related("lines"))


def find_by_any_number(*, actor: Actor, text: str) -> list[ReverseOrder]:
    """The provider's scan box: one scanned code may be any of an order's numbers or its inbound tracking."""
    text = text.strip()
    if not text:
        return []
    match = Q(number=text) | Q(sales_return_no=text) | Q(order_no=text) | Q(inbound_tracking_number=text)
    return list(visible_orders(actor).filter(match).select_related(*LIST_RELATED)[:20])


def _queue_tabs():
    return {
        "not_arrived": (_("未到仓"), Q(arrived_at__isnull=True, status__in=OPEN)),
        "awaiting_instruction": (_("待商家指令"), Q(arrived_at__isnull=False, status=Status.AWAITING_INSTRUCTION)),
        "hand_over": (_("待交付提货"), Q(status=Status.AWAITING_PICKUP, pickup_method=PickupMethod.SELF_PICKUP)),
        "forward": (_("待转寄"), Q(status=Status.AWAITING_PICKUP, pickup_method=PickupMethod.FORWARD)),
        "destroy": (_("待销毁"), Q(status=Status.AWAITING_DESTRUCTION)),
        "exceptions": (_("异常待处理"), Q(exception_state=ExceptionState.PENDING)),
        # Disputes of an execution still open (answered in the exception's thread).
        "disputed": (_("有异议"), Q(acceptance_state=AcceptanceState.DISPUTED, exception_state=ExceptionState.PENDING)),
    }


def _in_warehouse(actor: Actor, warehouse: str):
    orders = visible_orders(actor)
    return orders.filter(warehouse__code=warehouse) if warehouse else orders


def work_queue(*, actor: Actor, tab: str, warehouse: str = ""):
    """The provider's to-do list: one tab per kind of work waiting in its warehouses (or one), oldest deadline first."""
    tabs = _queue_tabs()
    _label, match = tabs.get(tab, tabs["not_arrived"])
    return (
        _in_warehouse(actor, warehouse)
        .filter(match)
        .select_related(*LIST_RELATED)
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
        .order_by("instruction_deadline", "id")
    )


def work_queue_counts(*, actor: Actor, warehouse: str = "") -> list[tuple[str, str, int]]:
    """(tab, label, count) for every work-queue tab, in one query."""
    tabs = _queue_tabs()
    _label, disputed = tabs.pop("disputed")
    # Counting a column of the index (status, never null) rather than the id: every column the tabs test is in
    # ro_provider_queue, so a provider's counts come from the index alone (Django refuses COUNT(*) with a filter).
    counts = _in_warehouse(actor, warehouse).aggregate(**{key: Count("status", filter=match) for key, (_l, match) in tabs.items()})
    # Open disputes are few: counted apart from the partial index ro_provider_disputed, keeping the others index-only.
    counts["disputed"] = _in_warehouse(actor, warehouse).filter(disputed).count()
    return [(key, label, counts[key]) for key, (label, _m) in _queue_tabs().items()]


def orders_among(*, actor: Actor, numbers: list[str]) -> list[ReverseOrder]:
    """The actor's visible orders among `numbers`, unlocked: for showing a batch plan before anything is written."""
    return list(
        visible_orders(actor).filter(number__in=set(numbers)).select_related(*LIST_RELATED).prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
        )
    )


def deadline_due(
    *, start, end, limit: int, lock: bool = True, without_event: dict | None = None, exclude_pending_exception: bool = False
) -> list[ReverseOrder]:
    """The system's read for the deadline sweep: orders still awaiting instruction whose deadline is in
    (start, end], without an event matching `without_event` yet; locked for the transaction where the database can."""
    queryset = visible_orders(SYSTEM).filter(status=Status.AWAITING_INSTRUCTION, instruction_deadline__lte=end)
    if start is not None:
        queryset = queryset.filter(instruction_deadline__gt=start)
    if exclude_pending_exception:
        queryset = queryset.exclude(exception_state=ExceptionState.PENDING)
    if without_event:
        queryset = queryset.exclude(Exists(Event.objects.filter(order=OuterRef("pk"), **without_event)))
    queryset = queryset.select_related(*LIST_RELATED).order_by("instruction_deadline", "id")
    if lock and connection.features.has_select_for_update:
        queryset = queryset.select_for_update(of=("self",))
    return list(queryset.prefetch_related("lines")[:limit])


def acceptance_due(*, before, limit: int) -> list[ReverseOrder]:
    """The system's read for the automatic acceptance: executions still awaiting the merchant's answer, executed
    at or before `before`, oldest first; locked for the transaction (skipping rows another sweeper or a merchant
    holds) where the database can."""
    queryset = visible_orders(SYSTEM).filter(acceptance_state=AcceptanceState.PENDING, executed_at__lte=before)
    queryset = queryset.select_related(*LIST_RELATED).order_by("executed_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(of=("self",), skip_locked=True)
    return list(queryset.prefetch_related("lines")[:limit])


def export_job(*, actor: Actor, job_id: int):
    """A background export, visible only to the person who asked for it."""
    job = ExportJob.objects.filter(user_id=actor.user_id, pk=job_id).first() if actor.user_id else None
    if job is None:
        raise Refused(Code.NOT_FOUND)
    return job


def visible_views(actor: Actor):
    """The saved views of the list the actor sees: their own and those shared in their organisation, never another
    organisation's (nor anyone's for an actor without one)."""
    if actor.organisation is None or actor.user_id is None:
        return SavedView.objects.none()
    return SavedView.objects.filter(organisation=actor.organisation).filter(Q(owner_id=actor.user_id) | Q(shared=True))


@dataclass
class CountedView:
    """A saved view as a tab: the view and how many orders its query lists now."""

    view: SavedView
    count: int


def saved_view_tabs(*, actor: Actor) -> list[CountedView]:
    """The actor's saved views with their counts, each taken under the list's filterset over the actor's orders.
    One COUNT per view (a 货主 filter adds its owner lookup): bounded, as a person keeps at most
    MAX_VIEWS_PER_PERSON views and an organisation shares at most MAX_SHARED_VIEWS."""
    tabs = []
    for view in visible_views(actor).select_related("owner"):
        filtered = ReverseOrderFilter(QueryDict(view.query), queryset=visible_orders(actor)).qs.order_by()
        tabs.append(CountedView(view=view, count=filtered.count()))
    return tabs
