"""指令导入 pages: the template for the list's current view, the upload and its plan, the submission (pickup codes
shown once), the past imports and each one's result file."""
import time

from django.conf import settings
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
from parcelback.reverse_orders.forms import UploadForm
from parcelback.reverse_orders.pickup_code_session import keep_codes, sealed_code

from . import codes as pickup_codes
from . import selectors, services, sheets, typos
from .services import Outcome

KEEP_SECONDS = pickup_codes.KEEP_SECONDS


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
    """The upload (checked into a plan, nothing submitted yet; a large file by the worker) and the organisation's
    past imports."""
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
                record = services.upload(actor=actor, file_name=upload.name, rows=rows)
                return redirect("instruction_imports:detail", import_id=record.pk)
    context = {"form": form, **paged(request, selectors.imports_for(actor=actor), per_page=20)}
    context["columns"] = [_(c.label) for c in sheets.COLUMNS]
    context |= {
        "max_rows": sheets.MAX_ROWS, "max_mb": sheets.MAX_MB,
        "inline_rows": settings.PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS,
    }
    return page(request, "instruction_imports/imports.html", context, status=status)


def _codes(request, record) -> list[dict]:
    """The pickup codes of a submission just made by this user, while they last (never stored in plain text): kept
    sealed in the session by a submission made here, or on the import by the worker (shown once, then cleared)."""
    kept = request.session.get(f"instruction_import_codes:{record.pk}")
    if not kept or kept.get("until", 0) < time.time():
        request.session.pop(f"instruction_import_codes:{record.pk}", None)
        kept = pickup_codes.take_sealed_codes(record, user_id=request.user.pk)
    return pickup_codes.opened_codes(request.actor, kept)


@login_required
@require_GET
@never_cache
def detail(request, import_id: int):
    """The plan (before submission) or the result (after): groups, refused rows with each cell's reason."""
    _merchant(request)
    record = _record_or_404(request, import_id)
    if record.working:  # the worker is at it: the progress only, the page refreshes itself
        return page(request, "instruction_imports/detail.html", {"record": record, "working": True})
    rows = [row | {"text": services.outcome_text(row)} for row in map(services.shown, record.rows)]
    grouped = services.groups_of(rows)
    methods = {key: _(name) for key, name in sheets.METHODS.items()}
    groups = [g | {"rows": grouped.get(g["index"], []), "method_label": methods.get(g["method"], "")} for g in record.groups]
    codes = _codes(request, record)
    if codes:  # the dialog's printable pickup slip (and its result page) show them too, for as long as here
        keep_codes(request, "pickup_done", {
            "numbers": [o.number for c in codes for o in c["orders"]], "back": "",
            "codes": [{"warehouse": c["warehouse"].pk, "numbers": [o.number for o in c["orders"]], "sealed_code": sealed_code(c["code"])}
                      for c in codes],
        })
    context = {
        "record": record,
        "groups": groups,
        "refused": [r for r in rows if r["problems"] or r["outcome"] == Outcome.FAILED],
        "skipped": sum(1 for r in rows if r["outcome"] == Outcome.SKIPPED),
        "codes": codes,
        "coded_orders": [o for c in codes for o in c["orders"]],
        "slip_url": reverse("orders:pickup_slip") if codes else "",
        "planned": record.status == record.Status.PLANNED,
    }
    if context["planned"]:
        found = typos.likely_typos(actor=request.actor, rows=record.rows)
        context["typos"] = [(row, found[row["line"]]) for row in rows if row["line"] in found]
    return page(request, "instruction_imports/detail.html", context)


@login_required
@require_POST
def submit(request, import_id: int):
    """全部提交 (only when every row is good) or 仅提交有效分组; each group all or nothing."""
    actor = _merchant(request)
    record = _record_or_404(request, import_id)
    only_valid = request.POST.get("scope") == "valid"
    if request.POST.get("confirm_typos") != "1" and typos.likely_typos(actor=actor, rows=record.rows):
        messages.error(request, _("请先核对可能填错的联系方式,勾选“已核对”后再提交。"))
        return redirect("instruction_imports:detail", import_id=record.pk)
    if services.is_large(record.rows):
        try:
            services.request_submission(actor=actor, import_id=record.pk, only_valid=only_valid)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("文件较大,已交给后台任务提交;完成后本页显示结果。"))
        return redirect("instruction_imports:detail", import_id=record.pk)
    try:
        done = services.submit(actor=actor, import_id=record.pk, only_valid=only_valid)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("instruction_imports:detail", import_id=record.pk)
    codes = pickup_codes.sealed_codes(done.codes)
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
    body = sheets.to_bytes(sheets.result_file, record.rows, [services.outcome_text(services.shown(r)) for r in record.rows])
    response = HttpResponse(body, content_type=sheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{sheets.filename(f"instructions-result-{record.pk}")}"'
    return response
