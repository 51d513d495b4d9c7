"""直邮逆向管理: the list page with its tabs, filters and sorting, and its exports (streamed, or written by the
worker when large)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcelback.accounts import selectors as account_selectors
from parcelback.core.console import page, pager
from parcelback.core.errors import Refused

from .. import cells, exports, selectors, services
from ..filters import ACCEPTANCE_CHOICES, AGING, EXCEPTION_AGE, TABS, TYPE_FILTER_CHOICES
from ..models import BusinessMode, ExceptionState, OrderException, PickupMethod, Status
from . import Action, may, saved_views

FILTER_CHOICES = {
    "status": Status.choices,
    "pickup_method": PickupMethod.choices,
    "exception_state": ExceptionState.choices,
    "acceptance_state": ACCEPTANCE_CHOICES,
    "business_mode": BusinessMode.choices,
    "reverse_type": TYPE_FILTER_CHOICES,
    "aging": AGING,
    "exception_type": OrderException.Type.choices,
    "exception_age": EXCEPTION_AGE,
}


@login_required
def home(request):
    """Shops and providers land on their 数据看板 (beside the list and the work queue); the admin on the list."""
    if request.actor.organisation is not None:
        return redirect("dashboard:dashboard")
    return redirect("orders:list")


def sort_link(key: str, current: str) -> tuple[str, str]:
    """(ordering to link to, arrow to show) for a sortable column header: a click flips the direction."""
    if current == key:
        return "-" + key, "▲"
    if current == "-" + key:
        return key, "▼"
    return (key if key == "deadline" else "-" + key), ""


def selection_key(params) -> str:
    """Which ticks belong together: the list's filters, whatever the page, page size or sort."""
    kept = params.copy()
    for key in ("page", "per_page", "ordering"):
        kept.pop(key, None)
    return urlencode(sorted((k, v) for k, values in kept.lists() for v in values if v))


@login_required
@require_GET
def order_list(request):
    actor = request.actor
    listed = selectors.list_page(actor=actor, params=request.GET)
    filterset = listed.filterset
    ordering = filterset.ordering_key
    back_param = urlencode({"back": request.GET.urlencode()})
    may_register, may_confirm = may(actor.role, Action.REGISTER_PICKUP), may(actor.role, Action.CONFIRM_DESTRUCTION)
    may_accept = may(actor.role, Action.ACCEPT_EXECUTION)
    may_select = may_register or may_confirm or may_accept  # rows are ticked for a batch action
    row = cells.ListRows(role=actor.role, back_param=back_param, with_checkbox=may_select)
    return page(
        request,
        "reverse_orders/list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "tab": filterset.tab_value,
            "tabs": [(value, label, listed.counts[value]) for value, label in TABS],
            "rows": [row(order) for order in selectors.listed(listed.page.object_list)],
            **pager(listed.page),
            "per_page": listed.per_page,
            "page_sizes": selectors.PAGE_SIZES,
            "ordering": ordering,
            "sorts": {key: sort_link(key, ordering) for key in ("created", "updated", "deadline")},
            "choices": FILTER_CHOICES,
            "warehouses": account_selectors.filter_warehouses(actor=actor),
            "may_register": may_register,
            "may_confirm": may_confirm,
            "may_accept": may_accept,
            "may_select": may_select,
            "export_query": request.GET.urlencode(),
            "back": request.GET.urlencode(),  # the view itself: dialogs and detail links return here
            "back_param": back_param,
            "selection_key": selection_key(request.GET),
            "pasted": selectors.pasted_check(filterset),
            "max_batch": settings.PARCELBACK_MAX_BATCH,
            **saved_views.list_tabs(request),
        },
    )


@login_required
@require_GET
def export(request, fmt: str):
    """The filtered list as a file, streamed row by row; above PARCELBACK_EXPORT_STREAM_MAX rows the page
    offers to have the worker write it instead (a GET starts nothing)."""
    if fmt not in exports.FORMATS:
        raise Http404
    filterset = selectors.order_list(actor=request.actor, params=request.GET)
    if filterset.errors:  # e.g. an impossible date: the list shows which filter is wrong, next to it
        return redirect(f"{reverse('orders:list')}?{request.GET.urlencode()}")
    try:
        total = filterset.qs.count()
        if total > settings.PARCELBACK_EXPORT_STREAM_MAX:
            context = {"fmt": fmt, "total": total, "params": request.GET.urlencode(), "back": request.GET.urlencode()}
            return page(request, "reverse_orders/export_start.html", context)
        # Both run their first query here, so a failure is answered below rather than breaking a started download.
        if fmt == "xlsx":
            return exports.xlsx_response(filterset.console_qs)
        return exports.csv_response(filterset.console_qs)
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return export_later(request, fmt)


def export_later(request, fmt: str):
    """SQLite was busy with a writer ("database is locked"): the worker writes the file instead, and the user
    follows its progress, rather than meeting a 500."""
    job = services.start_export(
        actor=request.actor, params=request.GET.urlencode(), fmt=fmt,
        language=request.LANGUAGE_CODE, time_zone=timezone.get_current_timezone_name(),
    )
    messages.info(request, _("数据库繁忙,已转为后台导出,完成后可在本页下载。"))
    return redirect("orders:export_job", job_id=job.pk)


@login_required
@require_POST
def start_export(request):
    """Queue a large export for the worker and follow its progress."""
    try:
        job = services.start_export(
            actor=request.actor, params=request.POST.get("params", ""), fmt=request.POST.get("fmt", ""),
            language=request.LANGUAGE_CODE, time_zone=timezone.get_current_timezone_name(),
        )
    except Refused as refused:
        if refused.field == "fmt":
            raise Http404 from None
        messages.error(request, refused.message)
        return redirect("orders:list")
    return redirect("orders:export_job", job_id=job.pk)


def export_job_or_404(request, job_id: int):
    try:
        return selectors.export_job(actor=request.actor, job_id=job_id)
    except Refused:
        raise Http404 from None


@login_required
@require_GET
def export_job(request, job_id: int):
    """A background export's progress; the page refreshes itself until the file is ready."""
    job = export_job_or_404(request, job_id)
    percent = min(100, job.rows_written * 100 // job.total) if job.total else 0
    context = {"job": job, "percent": percent, "keep_days": settings.PARCELBACK_EXPORT_KEEP_DAYS}
    return page(request, "reverse_orders/export_job.html", context)


@login_required
@require_GET
def export_download(request, job_id: int):
    job = export_job_or_404(request, job_id)
    if job.state != job.State.DONE or not job.file:
        raise Http404
    content_type = exports.XLSX_TYPE if job.fmt == "xlsx" else "text/csv; charset=utf-8"
    name = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
