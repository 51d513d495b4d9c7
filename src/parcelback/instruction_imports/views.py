"""指令导入 pages: the template for the list's current view, the upload and its plan, the submission (pickup codes
shown once), the past imports and each one's result file."""
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parcelback.core.console import list_url, page, paged
from parcelback.core.errors import Refused
from parcelback.core.sealing import seal, unseal
from parcelback.reverse_orders import selectors as order_selectors
from parcelback.reverse_orders.forms import UploadForm

from . import selectors, services, sheets
from .services import Outcome

CODE_SEAL = "instruction-import-pickup-codes"
# As after a registration from the dialog: long enough to copy or reload, short enough not to linger on a screen.
KEEP_SECONDS = 10 * 60


def _merchant(request):
    if not services.may_import(request.actor):
        raise PermissionDenied
    return request.actor


def _record_or_404(request, import_id: int):
    try:
        return selectors.instruction_import(actor=request.actor, import_id=import_id)
    except Refused:
        raise Http404 from None


def _template_row(order) -> dict:
    goods = "; ".join(f"{line.goods_name}({line.goods_id}) ×{line.quantity}" for line in order.line_items)
    values = {"number": order.number, "reverse_type": order.get_reverse_type_display(), "warehouse": order.warehouse.name}
    return values | {"goods": goods}


@login_required
@require_GET
def template(request):
    """导出待处理单据为指令模板: the orders of the list's current view awaiting an instruction, one row each."""
    actor = _merchant(request)
    orders = selectors.awaiting_instruction(actor=actor, params=request.GET, limit=sheets.MAX_ROWS)
    if orders is None:  # an impossible filter: the list says which, next to it
        return redirect(list_url(reverse("orders:list"), request.GET.urlencode()))
    body = sheets.to_bytes(sheets.template_file, [_template_row(o) for o in orders])
    response = HttpResponse(body, content_type=sheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{sheets.filename("instructions")}"'
    return response


@login_required
def imports(request):
    """The upload (checked into a plan, nothing submitted yet) and the organisation's past imports."""
    actor = _merchant(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = sheets.read(upload)
            except sheets.Unreadable as error:
                form.add_error("file", str(error))
            else:
                planned = services.plan(actor=actor, rows=rows)
                record = services.record(actor=actor, file_name=upload.name, planned=planned)
                return redirect("instruction_imports:detail", import_id=record.pk)
    context = {"form": form, **paged(request, selectors.imports_for(actor=actor), per_page=20)}
    context["columns"] = [_(c.label) for c in sheets.COLUMNS]
    return page(request, "instruction_imports/imports.html", context, status=status)


def _codes(request, import_id: int) -> list[dict]:
    """The pickup codes of a submission just made by this user, while they last (never stored in plain text)."""
    kept = request.session.get(f"instruction_import_codes:{import_id}")
    if not kept or kept.get("until", 0) < time.time():
        request.session.pop(f"instruction_import_codes:{import_id}", None)
        return []
    numbers = [n for c in kept["codes"] for n in c["numbers"]]
    by_number = {o.number: o for o in order_selectors.orders_among(actor=request.actor, numbers=numbers)}
    groups = []
    for c in kept["codes"]:
        orders = [by_number[n] for n in c["numbers"] if n in by_number]
        if orders:
            groups.append({"warehouse": orders[0].warehouse, "code": unseal(c["sealed"], purpose=CODE_SEAL).decode(),
                           "orders": orders, "group": c["group"]})
    return groups


@login_required
@require_GET
@never_cache
def detail(request, import_id: int):
    """The plan (before submission) or the result (after): groups, refused rows with each cell's reason."""
    _merchant(request)
    record = _record_or_404(request, import_id)
    rows = [row | {"text": services.outcome_text(row)} for row in record.rows]
    grouped = services.groups_of(rows)
    methods = {key: _(name) for key, name in sheets.METHODS.items()}
    groups = [g | {"rows": grouped.get(g["index"], []), "method_label": methods.get(g["method"], "")} for g in record.groups]
    codes = _codes(request, record.pk)
    context = {
        "record": record,
        "groups": groups,
        "refused": [r for r in rows if r["problems"] or r["outcome"] == Outcome.FAILED],
        "skipped": sum(1 for r in rows if r["outcome"] == Outcome.SKIPPED),
        "codes": codes,
        "coded_orders": [o for c in codes for o in c["orders"]],
        "planned": record.status == record.Status.PLANNED,
    }
    return page(request, "instruction_imports/detail.html", context)


@login_required
@require_POST
def submit(request, import_id: int):
    """全部提交 (only when every row is good) or 仅提交有效分组; each group all or nothing."""
    actor = _merchant(request)
    record = _record_or_404(request, import_id)
    try:
        done = services.submit(actor=actor, import_id=record.pk, only_valid=request.POST.get("scope") == "valid")
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("instruction_imports:detail", import_id=record.pk)
    codes = [
        {"group": group.index, "numbers": [o.number for o in c.orders], "sealed": seal(c.pickup_code, purpose=CODE_SEAL)}
        for group, c in done.codes
    ]
    if codes:
        request.session[f"instruction_import_codes:{record.pk}"] = {"codes": codes, "until": time.time() + KEEP_SECONDS}
    messages.success(request, _("已提交 %(done)s 组,未提交 %(failed)s 组。") % {"done": len(done.groups), "failed": len(done.failed)})
    return redirect("instruction_imports:detail", import_id=record.pk)


@login_required
@require_GET
def result_file(request, import_id: int):
    """The sheet as uploaded, with each row's outcome."""
    _merchant(request)
    record = _record_or_404(request, import_id)
    body = sheets.to_bytes(sheets.result_file, record.rows, [services.outcome_text(r) for r in record.rows])
    response = HttpResponse(body, content_type=sheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{sheets.filename(f"instructions-result-{record.pk}")}"'
    return response
