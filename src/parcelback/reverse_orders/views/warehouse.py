"""The provider's pages: the work queue with its scan box and bulk arrival, 到仓 for one order, and creating
orders by form or from a CSV file."""
import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from parcelback.accounts import selectors as account_selectors
from parcelback.core.console import item_errors, page, paged, refusal_to_form
from parcelback.core.errors import Refused

from .. import forms, imports, selectors, services, states
from ..filters import split_numbers
from ..services.intake import record_arrival_scan
from . import Action, may, order_or_404, refused_list, with_days

QUEUE_PAGE_SIZE = 50


@login_required
def queue(request):
    """The warehouse's work queue, a scan box and bulk arrival."""
    actor = request.actor
    tab = request.GET.get("tab") or "not_arrived"
    warehouse = request.GET.get("warehouse", "").replace("\x00", "").strip()  # a code of its own, else nothing matches
    scan = request.GET.get("q", "").replace("\x00", "").strip()  # no number holds a NUL (the database refuses it)
    found = None
    if scan:
        found = selectors.find_by_any_number(actor=actor, text=scan)
        if len(found) == 1:
            return redirect("orders:detail", number=found[0].number)
    arrival_form = forms.ArrivalForm()
    refused, status = [], 200
    if request.method == "POST":
        arrival_form = forms.ArrivalForm(request.POST)
        if arrival_form.is_valid():
            numbers = split_numbers(arrival_form.cleaned_data["numbers"])
            try:
                scan = record_arrival_scan(actor=actor, numbers=numbers)
            except Refused as refusal:
                status = refusal.http_status
                refusal_to_form(arrival_form, refusal)
                refused = refused_list(refusal.refused)
            else:
                report_arrival_scan(request, scan)
                return redirect(f"{reverse('orders:queue')}?tab={tab}")
        else:
            status = 400
    report = request.session.pop(ARRIVAL_REPORT, None) if request.method == "GET" else None
    listed = paged(request, selectors.work_queue(actor=actor, tab=tab, warehouse=warehouse), per_page=QUEUE_PAGE_SIZE)
    orders = list(listed["page_obj"].object_list)
    for order in orders:
        order.row_actions = [str(a) for a in states.available_actions(order, actor.role)]
        with_days(order)
    return page(
        request,
        "reverse_orders/queue.html",
        {
            "tabs": selectors.work_queue_counts(actor=actor, warehouse=warehouse),
            "tab": tab,
            "warehouse": warehouse,
            "warehouses": account_selectors.own_warehouses(actor=actor),
            "orders": orders,
            **listed,
            "scan": scan,
            "found": found,
            "arrival_form": arrival_form,
            "refused": refused,
            "arrival_report": report,
            "may_create": may(actor.role, Action.RECORD_ARRIVAL),
        },
        status=status,
    )


ARRIVAL_REPORT = "arrival_report"


def report_arrival_scan(request, scan) -> None:
    """Say what a scanned list came to: a message for the count, and (kept for the page shown after the redirect)
    every number that did not arrive with its reason, and every number scanned more than once."""
    if scan.recorded:
        messages.success(request, _("已登记到仓 %(count)s 条") % {"count": len(scan.recorded)})
    elif not scan.repeated:
        messages.error(request, _("没有可登记到仓的单据"))
    problems = refused_list(scan.refused)
    for row in problems:
        row["message"] = str(ARRIVAL_REASONS.get(row["code"], row["message"]))
    repeated = [
        {"number": number, "message": _("重复扫描 %(times)s 次,已按 1 次计") % {"times": times}}
        for number, times in scan.repeated.items()
    ]
    if problems or repeated:
        request.session[ARRIVAL_REPORT] = {
            "problems": problems,
            "repeated": repeated,
            "summary": _("重复扫描 %(repeated)s 个,已按 1 次计") % {"repeated": len(repeated)} if repeated else "",
            "not_found": " ".join(r["number"] for r in problems if r["code"] == "not_found"),
        }


# The reasons a scanned number did not arrive, as the counter says them.
ARRIVAL_REASONS = {
    "not_found": gettext_lazy("未找到该单号"),
    "already_arrived": gettext_lazy("已到仓,未重复登记"),
    "wrong_status": gettext_lazy("单据已结束,无需到仓"),
}


@login_required
@require_POST
def record_arrival(request, number: str):
    """到仓 for one order, from the detail page or a queue row."""
    actor = request.actor
    order = order_or_404(actor, number)
    try:
        services.record_arrival(actor=actor, numbers=[order.number])
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已登记到仓:%(number)s") % {"number": order.number})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("orders:detail", args=[order.number])
    return redirect(back)


@login_required
def create_order(request):
    """新建逆向管理单 by hand: one order, its goods lines."""
    actor = request.actor
    warehouses = account_selectors.own_warehouses(actor=actor)
    form = forms.OrderForm(request.POST or None, warehouses=warehouses, shops=account_selectors.shop_choices())
    lines = forms.LineFormSet(request.POST or None, prefix="lines")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and lines.is_valid():
            try:
                created = services.create_orders(actor=actor, orders=[form.new_order(forms.line_list(lines))])
            except Refused as refused:
                status = refused.http_status
                refusal_to_form(form, refused, rename={"owner": "owner_id"})
            else:
                order = created[0].order
                messages.success(request, _("已创建逆向管理单 %(number)s") % {"number": order.number})
                return redirect("orders:detail", number=order.number)
    return page(request, "reverse_orders/create.html", {"form": form, "lines": lines}, status=status)


# One example order of two goods lines, to fill in.
TEMPLATE_ROWS = [
    ["DEMO-REF-1", "shop1", "tokyo", "清关失败-退运", "代销", "OWN-1001", "花王株式会社", "ST8800000001",
     "6930100000001", "EMS000000001JP", "", "3500", "日本花王 蒸汽眼罩 12片", "70000", "日本花王 蒸汽眼罩 12片", "2"],
    ["DEMO-REF-1", "shop1", "tokyo", "清关失败-退运", "代销", "OWN-1001", "花王株式会社", "ST8800000001",
     "6930100000001", "EMS000000001JP", "", "3503", "日本 资生堂 防晒乳 60ml", "70003", "日本 资生堂 防晒乳 60ml", "1"],
]


@login_required
@require_GET
def import_template(request):
    """A CSV with the expected columns and an example order, to fill in."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reverse-orders-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(imports.COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return response


def _import_problems(actor, orders, first_lines, problems) -> list[tuple[int, str]]:
    """The file's own problems and those the service would refuse its orders with, together, in line order."""
    for index, field, problem in item_errors(services.check_new_orders(actor=actor, orders=orders)):
        problems.append((0 if index is None else first_lines[index], imports.problem_message(field, problem)))
    return sorted(problems, key=lambda p: p[0])


@login_required
def import_orders(request):
    """批量导入 from XLSX or CSV: every row checked first, every problem reported at once; one bad row and nothing
    is created. Afterwards the list shows exactly the orders created."""
    actor = request.actor
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            orders, first_lines, problems = imports.parse(form.cleaned_data["file"])
            problems = _import_problems(actor, orders, first_lines, problems)
            if not problems:
                try:
                    created = services.create_orders(actor=actor, orders=orders)
                except Refused as refused:
                    status = refused.http_status
                    problems = [(0, refused.message)]
                else:
                    new = sum(c.created for c in created)
                    messages.success(
                        request,
                        _("导入完成:新建 %(new)s 条,已存在 %(old)s 条") % {"new": new, "old": len(created) - new},
                    )
                    numbers = ",".join(c.order.number for c in created)
                    return redirect(f"{reverse('orders:list')}?{urlencode({'number_type': 'number', 'numbers': numbers})}")
    return page(
        request,
        "reverse_orders/import.html",
        {"form": form, "problems": problems, "columns": [str(label) for label in imports.COLUMNS.values()]},
        status=status,
    )
