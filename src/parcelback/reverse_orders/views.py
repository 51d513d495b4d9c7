"""The console's pages. Each view parses the request, calls one selector or service and renders;
which action is legal is `states`' answer, what happens is `services`' job.

Dialog content (batch forms) is the same view rendered without the page frame when the console's script
asks for it (`X-Fragment: 1`); without JavaScript the same URLs work as full pages.
"""
import csv
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from parcelback.accounts.actors import Actor, actor_for
from parcelback.accounts import selectors as account_selectors
from parcelback.accounts.models import Membership, Role
from parcelback.core.errors import MESSAGES, Code, Refused

from . import batch, exports, forms, selectors, services, states
from .filters import CUSTOMS_FAILURE, TABS, TYPE_FILTER_CHOICES, split_numbers
from .models import BusinessMode, ExceptionState, OrderException, PickupMethod, ReverseType, Status

log = logging.getLogger("parcelback.console")
Action = states.Action
PAGE_SIZES = (20, 50, 100)
ROW_ACTIONS = (Action.REGISTER_PICKUP, Action.CONFIRM_DESTRUCTION)


# --- plumbing -----------------------------------------------------------------------------------------


def actor_of(request) -> Actor:
    """The signed-in person as the domain sees them; membership and organisation come in one query."""
    if not hasattr(request, "_actor"):
        user = request.user
        if user.is_authenticated and not user.is_superuser:
            membership = Membership.objects.select_related("organisation").filter(user=user).first()
            user._state.fields_cache["membership"] = membership
        request._actor = actor_for(user)
    return request._actor


def may(role, action: Action) -> bool:
    """Whether the role ever takes this action (to show a batch button); per order, `available_actions`."""
    return role in states.TRANSITIONS[action].roles


def is_fragment(request) -> bool:
    return request.headers.get("X-Fragment") == "1"


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    actor = actor_of(request)
    context = {
        "actor": actor,
        "is_provider": actor.role == Role.PROVIDER_OPERATOR,
        "base_template": "fragment.html" if is_fragment(request) else "base.html",
        **(context or {}),
    }
    return render(request, template, context, status=status)


def go(request, url: str):
    """After a write: redirect, or for a dialog tell the script where to go (a followed redirect would
    consume one-time data such as the pickup code)."""
    if is_fragment(request):
        return HttpResponse(status=204, headers={"X-Location": url})
    return redirect(url)


def requested_numbers(data) -> list[str]:
    """Numbers from ticked rows (`numbers` repeated) and/or pasted text, in order, without repeats."""
    seen: dict[str, None] = {}
    for value in data.getlist("numbers"):
        for number in split_numbers(value):
            seen.setdefault(number, None)
    return list(seen)


def put_refusal(form, refused: Refused) -> None:
    """Show a refusal next to the field it concerns (or on top of the form), translated."""
    if refused.errors:
        for name, problem in refused.errors.items():
            form.add_error(name if name in form.fields else None, forms.problem_text(problem))
        return
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


# Where a batch names the action, the reverse-type refusal says which type cannot take it (as in the design).
TYPE_REFUSALS = {
    Action.REGISTER_PICKUP: gettext_lazy("%(type)s单不可登记提货"),
    Action.CONFIRM_DESTRUCTION: gettext_lazy("%(type)s单不可确认销毁"),
}


def refused_list(refused_pairs, *, action: Action | None = None, found=()) -> list[dict]:
    """Each refused order with its stable code and the translated reason."""
    types = {order.number: order.get_reverse_type_display() for order in found}
    rows = []
    for number, code in refused_pairs:
        message = str(MESSAGES[code])
        if code == Code.WRONG_REVERSE_TYPE and action in TYPE_REFUSALS and number in types:
            message = str(TYPE_REFUSALS[action]) % {"type": types[number]}
        rows.append({"number": number, "code": str(code), "message": message})
    return rows


def with_days(order):
    """Days left for the templates, and their absolute value once overdue (shown as "已超期 N 天")."""
    order.days = order.days_left()
    order.overdue_days = -order.days if order.days is not None and order.days < 0 else 0
    return order


def order_or_404(actor: Actor, number: str):
    try:
        return selectors.order_detail(actor=actor, number=number)
    except Refused:
        raise Http404 from None


# --- home ---------------------------------------------------------------------------------------------


@login_required
def home(request):
    """Merchants land on 直邮逆向管理, providers on their work queue."""
    if actor_of(request).role == Role.PROVIDER_OPERATOR:
        return redirect("orders:queue")
    return redirect("orders:list")


# --- the list page ------------------------------------------------------------------------------------



def list_total(counts: dict[str, int], filterset) -> int:
    """The current list's size, from the per-tab counts taken under the same filters."""
    filterset.form.errors  # runs validation, so cleaned_data holds the valid filters
    if filterset.tab_value != "all":
        return counts[filterset.tab_value]
    chosen = filterset.form.cleaned_data.get("reverse_type")
    if chosen == CUSTOMS_FAILURE:
        return counts[ReverseType.CUSTOMS_RETURN] + counts[ReverseType.CUSTOMS_DESTROY]
    return counts[chosen] if chosen else counts["all"]


def sort_link(key: str, current: str) -> tuple[str, str]:
    """(ordering to link to, arrow to show) for a sortable column header: a click flips the direction."""
    if current == key:
        return "-" + key, "▲"
    if current == "-" + key:
        return key, "▼"
    return (key if key == "deadline" else "-" + key), ""


@login_required
@require_GET
def order_list(request):
    actor = actor_of(request)
    filterset = selectors.order_list(actor=actor, params=request.GET)
    counts = selectors.tab_counts(actor=actor, params=request.GET)
    per_page = int(request.GET.get("per_page")) if request.GET.get("per_page") in map(str, PAGE_SIZES) else 50
    paginator = Paginator(filterset.qs, per_page)
    paginator.count = list_total(counts, filterset)  # already counted per tab: no second COUNT(*)
    page_obj = paginator.get_page(request.GET.get("page"))
    orders = list(page_obj.object_list)
    for order in orders:
        order.row_actions = [str(a) for a in states.available_actions(order, actor.role) if a in ROW_ACTIONS]
        with_days(order)
    ordering = request.GET.get("ordering") or "-created"
    return page(
        request,
        "reverse_orders/list.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "tab": filterset.tab_value,
            "tabs": [(value, label, counts[value]) for value, label in TABS],
            "orders": orders,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "ordering": ordering,
            "sorts": {key: sort_link(key, ordering) for key in ("created", "updated", "deadline")},
            "choices": {
                "status": Status.choices,
                "pickup_method": PickupMethod.choices,
                "exception_state": ExceptionState.choices,
                "business_mode": BusinessMode.choices,
                "reverse_type": TYPE_FILTER_CHOICES,
            },
            "warehouses": account_selectors.filter_warehouses(actor=actor),
            "may_register": may(actor.role, Action.REGISTER_PICKUP),
            "may_confirm": may(actor.role, Action.CONFIRM_DESTRUCTION),
            "export_query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def export(request, fmt: str):
    """The filtered list as a file, streamed row by row; above PARCELBACK_EXPORT_STREAM_MAX rows the page
    offers to have the worker write it instead (a GET starts nothing)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filterset = selectors.order_list(actor=actor_of(request), params=request.GET)
    total = filterset.qs.count()
    if total > settings.PARCELBACK_EXPORT_STREAM_MAX:
        context = {"fmt": fmt, "total": total, "params": request.GET.urlencode(), "back": request.GET.urlencode()}
        return page(request, "reverse_orders/export_start.html", context)
    if fmt == "xlsx":
        return exports.xlsx_response(filterset.qs)
    return exports.csv_response(filterset.qs)


@login_required
@require_POST
def start_export(request):
    """Queue a large export for the worker and follow its progress."""
    actor = actor_of(request)
    params = request.POST.get("params", "")
    fmt = request.POST.get("fmt", "")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    total = selectors.order_list(actor=actor, params=QueryDict(params)).qs.count()
    try:
        job = services.start_export(
            actor=actor, params=params, fmt=fmt, total=total,
            language=request.LANGUAGE_CODE, time_zone=timezone.get_current_timezone_name(),
        )
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect("orders:list")
    return redirect("orders:export_job", job_id=job.pk)


def export_job_or_404(request, job_id: int):
    try:
        return selectors.export_job(actor=actor_of(request), job_id=job_id)
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


# --- the merchant's batch actions ----------------------------------------------------------------------


@login_required
def batch_pickup(request):
    """批量登记提货 (also the single row action): the plan first, one form, then the irreversible write."""
    actor = actor_of(request)
    data = request.POST if request.method == "POST" else request.GET
    numbers = requested_numbers(data)
    status = 200
    if request.method == "POST" and "submit" in data:
        form = forms.PickupForm(data)
        if form.is_valid():
            try:
                result = services.register_pickup(actor=actor, numbers=numbers, details=form.details())
            except Refused as refused:
                status = refused.http_status
                put_refusal(form, refused)
            else:
                request.session["pickup_done"] = {
                    "numbers": [o.number for o in result.orders],
                    "method": form.cleaned_data["method"],
                    "code": result.pickup_code,
                }
                return go(request, reverse("orders:pickup_done"))
        else:
            status = 400
    else:
        form = forms.PickupForm(initial={"method": data.get("method") or PickupMethod.SELF_PICKUP})
    found = selectors.orders_among(actor=actor, numbers=numbers)
    plans = {
        method: batch.plan(Action.REGISTER_PICKUP, numbers, found, actor.role, method=method)
        for method in PickupMethod.values
    }
    return page(
        request,
        "reverse_orders/batch_pickup.html",
        {
            "form": form,
            "numbers": numbers,
            "plans": [
                {
                    "method": method,
                    "plan": plan,
                    "refused": refused_list(plan.refused, action=Action.REGISTER_PICKUP, found=found),
                    "narrow": urlencode({"numbers": [o.number for o in plan.eligible], "method": method}, doseq=True),
                }
                for method, plan in plans.items()
            ],
            "too_many": len(numbers) > settings.PARCELBACK_MAX_BATCH,
        },
        status=status,
    )


@login_required
@require_GET
def pickup_done(request):
    """The result of a registration, shown once: the pickup code is not kept anywhere readable."""
    done = request.session.pop("pickup_done", None)
    if not done:
        return redirect("orders:list")
    orders = selectors.orders_among(actor=actor_of(request), numbers=done["numbers"])
    return page(request, "reverse_orders/pickup_done.html", {"done": done, "orders": orders})


@login_required
def batch_destroy(request):
    """确认销毁, single or batch: the dialog names every order and asks a second time."""
    actor = actor_of(request)
    data = request.POST if request.method == "POST" else request.GET
    numbers = requested_numbers(data)
    status = 200
    error = None
    if request.method == "POST" and "submit" in data:
        try:
            done = services.confirm_destruction(actor=actor, numbers=numbers, confirm=data.get("confirm") == "1")
        except Refused as refused:
            status = refused.http_status
            error = refused
        else:
            messages.success(
                request,
                _("已确认销毁 %(count)s 条,状态已变为 包裹待销毁:%(numbers)s")
                % {"count": len(done), "numbers": ", ".join(o.number for o in done)},
            )
            return go(request, reverse("orders:list"))
    found = selectors.orders_among(actor=actor, numbers=numbers)
    plan = batch.plan(Action.CONFIRM_DESTRUCTION, numbers, found, actor.role)
    return page(
        request,
        "reverse_orders/batch_destroy.html",
        {
            "numbers": numbers,
            "plan": plan,
            "refused": refused_list(plan.refused, action=Action.CONFIRM_DESTRUCTION, found=found),
            "narrow": urlencode({"numbers": [o.number for o in plan.eligible]}, doseq=True),
            "error": error,
        },
        status=status,
    )


# --- the detail page and its actions -------------------------------------------------------------------


EVENT_LABELS = {
    "created": gettext_lazy("创建"),
    "arrived": gettext_lazy("登记到仓"),
    "pickup_registered": gettext_lazy("登记提货"),
    "destruction_confirmed": gettext_lazy("确认销毁"),
    "handed_over": gettext_lazy("已提货"),
    "forwarded": gettext_lazy("已转寄"),
    "destroyed": gettext_lazy("已销毁"),
    "cancelled": gettext_lazy("已取消"),
    "deadline_near": gettext_lazy("即将超期提醒"),
    "overdue": gettext_lazy("超期未处理"),
    "exception_raised": gettext_lazy("上报异常"),
    "exception_commented": gettext_lazy("异常留言"),
    "exception_resolved": gettext_lazy("异常完结"),
}
DATA_LABELS = {
    "arrived_at": gettext_lazy("到仓时间"),
    "method": gettext_lazy("方式"),
    "remark": gettext_lazy("备注"),
    "expected_pickup_at": gettext_lazy("预计提货时间"),
    "picker_name": gettext_lazy("提货人"),
    "picker_phone": gettext_lazy("联系方式"),
    "recipient_name": gettext_lazy("收货人"),
    "recipient_phone": gettext_lazy("联系方式"),
    "country": gettext_lazy("国家/地区"),
    "province": gettext_lazy("省/州"),
    "city": gettext_lazy("城市"),
    "district": gettext_lazy("区/县"),
    "street": gettext_lazy("详细地址"),
    "postcode": gettext_lazy("邮编"),
    "handed_to": gettext_lazy("交付给"),
    "carrier": gettext_lazy("承运商"),
    "tracking_number": gettext_lazy("运单号"),
    "destroyed_at": gettext_lazy("销毁时间"),
    "evidence_files": gettext_lazy("凭证文件数"),
    "reason": gettext_lazy("原因"),
    "type": gettext_lazy("异常类型"),
    "description": gettext_lazy("异常描述"),
    "body": gettext_lazy("留言"),
    "note": gettext_lazy("处理结果"),
}

DATA_CHOICES = {"method": dict(PickupMethod.choices), "type": dict(OrderException.Type.choices)}


def shown_value(key: str, value):
    """A timeline value as people read it: labels for codes, local time for moments."""
    if key in DATA_CHOICES:
        return DATA_CHOICES[key].get(value, value)
    if isinstance(value, str) and key.endswith("_at") and (moment := parse_datetime(value)):
        return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return value


ACTION_FORMS = {
    Action.HAND_OVER: ("handover_form", forms.HandOverForm),
    Action.FORWARD: ("forward_form", forms.ForwardForm),
    Action.DESTROY: ("destroy_form", forms.DestroyForm),
    Action.CANCEL: ("cancel_form", forms.CancelForm),
    Action.RAISE_EXCEPTION: ("raise_form", forms.RaiseExceptionForm),
    Action.COMMENT_EXCEPTION: ("comment_form", forms.CommentForm),
    Action.RESOLVE_EXCEPTION: ("resolve_form", forms.ResolveForm),
}


def render_detail(request, order, bound: dict | None = None, *, status: int = 200):
    actor = actor_of(request)
    actions = states.available_actions(order, actor.role)
    with_days(order)
    context = {"order": order, "actions": [str(a) for a in actions], "lines": list(order.lines.all())}
    for action, (name, form_class) in ACTION_FORMS.items():
        context[name] = form_class()
    context.update(bound or {})
    context["registration"] = getattr(order, "registration", None) if order.pickup_method else None
    execution = getattr(order, "execution", None) if order.status in states.TERMINAL else None
    context["execution"] = execution
    context["evidence"] = list(execution.evidence.all()) if execution else []
    context["exceptions"] = list(order.exceptions.all())
    context["events"] = list(order.events.all())
    for event in context["events"]:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
        event.shown = [
            (DATA_LABELS.get(k, k), shown_value(k, v)) for k, v in event.data.items() if k != "exception_id" and v
        ]
    context["is_merchant"] = actor.role in (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER)
    return page(request, "reverse_orders/detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request, number: str):
    return render_detail(request, order_or_404(actor_of(request), number))


def detail_action(request, number: str, action: Action, run, *, success: str):
    """Shared shape of the detail page's forms: parse → one service → back to the page, or the page again
    with the refusal next to the field (and nothing written)."""
    actor = actor_of(request)
    order = order_or_404(actor, number)
    name, form_class = ACTION_FORMS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(actor, order, form.cleaned_data)
        except Refused as refused:
            if refused.code == Code.NOT_FOUND:
                raise Http404 from None
            if refused.code == Code.PICKUP_CODE_MISMATCH:
                log.warning("pickup code mismatch: order %s, user %s", order.number, actor.username)
            put_refusal(form, refused)
            context = {name: form, "open_form": name, "action_error": refused.message}
            return render_detail(request, order, context, status=refused.http_status)
        messages.success(request, success)
        return redirect("orders:detail", number=order.number)
    return render_detail(request, order, {name: form, "open_form": name}, status=400)


@login_required
@require_POST
def hand_over(request, number: str):
    return detail_action(
        request, number, Action.HAND_OVER,
        lambda actor, order, d: services.hand_over(
            actor=actor, number=order.number, pickup_code=d["pickup_code"], handed_to=d["handed_to"]
        ),
        success=_("已交付提货,状态:已提货"),
    )


@login_required
@require_POST
def forward(request, number: str):
    return detail_action(
        request, number, Action.FORWARD,
        lambda actor, order, d: services.forward(
            actor=actor, number=order.number, carrier=d["carrier"], tracking_number=d["tracking_number"]
        ),
        success=_("已登记转寄,状态:已转寄"),
    )


@login_required
@require_POST
def destroy(request, number: str):
    files = request.FILES.getlist("evidence")
    return detail_action(
        request, number, Action.DESTROY,
        lambda actor, order, d: services.destroy(
            actor=actor, number=order.number, destroyed_at=d["destroyed_at"], method=d["method"], evidence=files
        ),
        success=_("已登记销毁,状态:已销毁"),
    )


@login_required
@require_POST
def cancel(request, number: str):
    return detail_action(
        request, number, Action.CANCEL,
        lambda actor, order, d: services.cancel(actor=actor, number=order.number, reason=d["reason"]),
        success=_("已取消"),
    )


@login_required
@require_POST
def raise_exception(request, number: str):
    return detail_action(
        request, number, Action.RAISE_EXCEPTION,
        lambda actor, order, d: services.raise_exception(
            actor=actor, number=order.number, type=d["type"], description=d["description"]
        ),
        success=_("已上报异常"),
    )


@login_required
@require_POST
def comment_exception(request, number: str, exception_id: int):
    return detail_action(
        request, number, Action.COMMENT_EXCEPTION,
        lambda actor, order, d: services.comment_exception(
            actor=actor, number=order.number, exception_id=exception_id, body=d["body"]
        ),
        success=_("已留言"),
    )


@login_required
@require_POST
def resolve_exception(request, number: str, exception_id: int):
    return detail_action(
        request, number, Action.RESOLVE_EXCEPTION,
        lambda actor, order, d: services.resolve_exception(
            actor=actor, number=order.number, exception_id=exception_id, note=d["note"]
        ),
        success=_("异常已完结"),
    )


@login_required
@require_GET
def evidence(request, number: str, evidence_id: int):
    """Destruction evidence, served only to those who may see the order (media is not public)."""
    order = order_or_404(actor_of(request), number)
    execution = getattr(order, "execution", None)
    found = [e for e in (execution.evidence.all() if execution else []) if e.pk == evidence_id]
    if not found:
        raise Http404
    return FileResponse(found[0].file.open("rb"), content_type=found[0].content_type)


# --- the provider's pages ------------------------------------------------------------------------------


@login_required
def queue(request):
    """The warehouse's work queue, a scan box and bulk arrival."""
    actor = actor_of(request)
    tab = request.GET.get("tab") or "not_arrived"
    scan = request.GET.get("q", "").strip()
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
                done = services.record_arrival(actor=actor, numbers=numbers)
            except Refused as refusal:
                status = refusal.http_status
                put_refusal(arrival_form, refusal)
                refused = refused_list(refusal.refused)
            else:
                messages.success(request, _("已登记到仓 %(count)s 条") % {"count": len(done)})
                return redirect(f"{reverse('orders:queue')}?tab={tab}")
        else:
            status = 400
    paginator = Paginator(selectors.work_queue(actor=actor, tab=tab), 50)
    page_obj = paginator.get_page(request.GET.get("page"))
    orders = list(page_obj.object_list)
    for order in orders:
        order.row_actions = [str(a) for a in states.available_actions(order, actor.role)]
        with_days(order)
    return page(
        request,
        "reverse_orders/queue.html",
        {
            "tabs": selectors.work_queue_counts(actor=actor),
            "tab": tab,
            "orders": orders,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
            "scan": scan,
            "found": found,
            "arrival_form": arrival_form,
            "refused": refused,
            "may_create": may(actor.role, Action.RECORD_ARRIVAL),
        },
        status=status,
    )


@login_required
@require_POST
def record_arrival(request, number: str):
    """到仓 for one order, from the detail page or a queue row."""
    actor = actor_of(request)
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
    actor = actor_of(request)
    warehouses = account_selectors.own_warehouses(actor=actor)
    form = forms.OrderForm(request.POST or None, warehouses=warehouses)
    lines = forms.LineFormSet(request.POST or None, prefix="lines")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and lines.is_valid():
            try:
                created = services.create_orders(actor=actor, orders=[form.new_order(forms.line_list(lines))])
            except Refused as refused:
                status = refused.http_status
                for key, problem in (refused.errors or {}).items():
                    field = key.split(".", 1)[1] if "." in key else key
                    field = "owner_id" if field == "owner" else field
                    form.add_error(field if field in form.fields else None, forms.problem_text(problem))
                if not refused.errors:
                    form.add_error(None, refused.message)
            else:
                order = created[0].order
                messages.success(request, _("已创建逆向管理单 %(number)s") % {"number": order.number})
                return redirect("orders:detail", number=order.number)
    return page(request, "reverse_orders/create.html", {"form": form, "lines": lines}, status=status)


@login_required
@require_GET
def import_template(request):
    """A CSV with the expected columns and one example order of two goods lines, to fill in."""
    example = [
        ["DEMO-REF-1", "shop1", "tokyo", "清关失败-退运", "代销", "OWN-1001", "花王株式会社", "ST8800000001",
         "6930100000001", "EMS000000001JP", "", "3500", "日本花王 蒸汽眼罩 12片", "70000", "日本花王 蒸汽眼罩 12片", "2"],
        ["DEMO-REF-1", "shop1", "tokyo", "清关失败-退运", "代销", "OWN-1001", "花王株式会社", "ST8800000001",
         "6930100000001", "EMS000000001JP", "", "3503", "日本 资生堂 防晒乳 60ml", "70003", "日本 资生堂 防晒乳 60ml", "1"],
    ]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reverse-orders-template.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(forms.CSV_COLUMNS)
    writer.writerows(example)
    return response


@login_required
def import_orders(request):
    """批量导入 from CSV: every row checked first; one bad row and nothing is created."""
    actor = actor_of(request)
    form = forms.CsvUploadForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            orders, first_lines, problems = forms.parse_orders_csv(form.cleaned_data["file"])
            if not problems:
                try:
                    created = services.create_orders(actor=actor, orders=orders)
                except Refused as refused:
                    status = refused.http_status
                    problems = [
                        (first_lines[int(key[7:key.index("]")])] if key.startswith("orders[") else 0,
                         f"{key.split('.', 1)[-1]}: {forms.problem_text(problem)}")
                        for key, problem in (refused.errors or {}).items()
                    ] or [(0, refused.message)]
                else:
                    new = sum(c.created for c in created)
                    messages.success(
                        request,
                        _("导入完成:新建 %(new)s 条,已存在 %(old)s 条") % {"new": new, "old": len(created) - new},
                    )
                    return redirect("orders:queue")
    return page(
        request,
        "reverse_orders/import.html",
        {"form": form, "problems": problems, "columns": forms.CSV_COLUMNS},
        status=status,
    )
