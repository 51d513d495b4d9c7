"""One order: every field, its registration, execution, exceptions and timeline, and the forms of the actions
legal now (the provider's execution, cancelling, exceptions, the merchant's new pickup code and answer to the
execution: 确认处理结果 / 有异议)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parcelback.accounts.models import Role
from parcelback.core.console import go, page, refusal_to_form
from parcelback.core.errors import Code, Refused

from .. import forms, selectors, services, states
from ..models import ExceptionState, ExecutionAcceptance
from ..services.execution import handover_warnings
from ..services.pickup_codes import handover_group
from ..timeline import label_events
from . import Action, order_or_404, with_days
from ..pickup_code_session import code_groups, keep_codes, kept_codes, sealed_code

ACTION_FORMS = {
    Action.HAND_OVER: ("handover_form", forms.HandOverForm),
    Action.FORWARD: ("forward_form", forms.ForwardForm),
    Action.DESTROY: ("destroy_form", forms.DestroyForm),
    Action.CANCEL: ("cancel_form", forms.CancelForm),
    Action.RAISE_EXCEPTION: ("raise_form", forms.RaiseExceptionForm),
    Action.COMMENT_EXCEPTION: ("comment_form", forms.CommentForm),
    Action.RESOLVE_EXCEPTION: ("resolve_form", forms.ResolveForm),
    Action.ACCEPT_EXECUTION: ("accept_form", forms.AcceptForm),
    Action.DISPUTE_EXECUTION: ("dispute_form", forms.DisputeForm),
}


def render_detail(request, order, bound: dict | None = None, *, status: int = 200):
    actor = request.actor
    actions = states.available_actions(order, actor.role)
    with_days(order)
    context = {"order": order, "actions": [str(a) for a in actions], "lines": list(order.lines.all())}
    for action, (name, form_class) in ACTION_FORMS.items():
        context[name] = form_class()
    context.update(bound or {})
    context["registration"] = registration = getattr(order, "registration", None) if order.pickup_method else None
    context["pickup_code"] = registration.pickup_code if registration and registration.pickup_code_id else None
    execution = getattr(order, "execution", None) if order.status in states.TERMINAL else None
    context["execution"] = execution
    context["evidence"] = list(execution.evidence.all()) if execution else []
    context["exceptions"] = list(order.exceptions.all())
    context["acceptance"] = getattr(order, "acceptance", None)
    context["acceptance_days"] = settings.PARCELBACK_ACCEPTANCE_DAYS
    context["events"] = label_events(list(order.events.all()))
    context["is_merchant"] = actor.role in (Role.MERCHANT_OPERATOR, Role.MERCHANT_VIEWER)
    if Action.HAND_OVER in actions and registration:
        context.update(handover_context(actor, order, registration, context["handover_form"]))
    return page(request, "reverse_orders/detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request, number: str):
    return render_detail(request, order_or_404(request.actor, number))


def detail_action(request, number: str, action: Action, run, *, success: str):
    """Shared shape of the detail page's forms: parse → one service → back to the page, or the page again
    with the refusal next to the field (and nothing written)."""
    actor = request.actor
    order = order_or_404(actor, number)
    name, form_class = ACTION_FORMS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(actor, order, form.cleaned_data)
        except Refused as refused:
            if refused.code == Code.NOT_FOUND:
                raise Http404 from None
            refusal_to_form(form, refused)
            context = {name: form, "open_form": name, "action_error": refused.message}
            return render_detail(request, order, context, status=refused.http_status)
        messages.success(request, success)
        return redirect("orders:detail", number=order.number)
    return render_detail(request, order, {name: form, "open_form": name}, status=400)


def handover_context(actor, order, registration, form) -> dict:
    """The handover form's extras: the registration's other arrived orders (to hand over together) and the
    warnings the operator must confirm with a reason: another person than the registered picker, an open
    exception."""
    group = handover_group(actor=actor, order=order)
    whole = form.is_bound and form.data.get("whole_registration") in ("1", "on", "true")
    handed_to = form.data.get("handed_to", "") if form.is_bound else ""
    warnings = handover_warnings(group if whole else [order], [registration.picker_name], handed_to)
    return {
        "handover_group": group if len(group) > 1 else [],
        "handover_group_exceptions": sum(o.exception_state == ExceptionState.PENDING for o in group),
        "handover_whole": whole,
        "handover_warnings": warnings,
        "handover_handed_to": handed_to,
        "handover_needs_reason": bool(warnings) or bool(form.is_bound and form.errors.get("override_reason")),
    }


@login_required
@require_POST
def hand_over(request, number: str):
    whole = request.POST.get("whole_registration") in ("1", "on", "true")
    return detail_action(
        request, number, Action.HAND_OVER,
        lambda actor, order, d: services.hand_over(
            actor=actor, number=order.number, pickup_code=d["pickup_code"], handed_to=d["handed_to"],
            whole_registration=d["whole_registration"], override_reason=d["override_reason"],
        ),
        success=_("已交付本次登记的全部已到仓单据,状态:已提货") if whole else _("已交付提货,状态:已提货"),
    )


@login_required
@require_POST
def reissue_pickup_code(request, number: str):
    """重新生成提货码, behind a confirmation: the old code stops working; the new one waits sealed in the session
    for the one page that shows it."""
    actor = request.actor
    order = order_or_404(actor, number)
    try:
        if request.POST.get("confirm") != "1":
            raise Refused(Code.CONFIRMATION_REQUIRED, field="confirm")
        reissued = services.reissue_pickup_code(actor=actor, number=order.number)
    except Refused as refused:
        if refused.code == Code.NOT_FOUND:
            raise Http404 from None
        context = {"open_form": "reissue_form", "action_error": refused.message}
        return render_detail(request, order, context, status=refused.http_status)
    numbers = [o.number for o in reissued.orders]
    codes = [{"warehouse": order.warehouse_id, "numbers": numbers, "sealed_code": sealed_code(reissued.pickup_code)}]
    keep_codes(request, f"pickup_code_reissued:{order.number}", {"numbers": numbers, "codes": codes})
    return go(request, reverse("orders:pickup_code_reissued", args=[order.number]))


@login_required
@require_GET
@never_cache
def pickup_code_reissued(request, number: str):
    """The new pickup code, never cached; kept sealed in the session for a few minutes (reload, pickup slip)."""
    done = kept_codes(request, f"pickup_code_reissued:{number}")
    if not done:
        return redirect("orders:detail", number=number)
    orders = selectors.orders_among(actor=request.actor, numbers=done["numbers"])
    slip_url = reverse("orders:pickup_code_reissued_slip", args=[number])
    context = {"number": number, "codes": code_groups(done, orders), "orders": orders, "slip_url": slip_url}
    return page(request, "reverse_orders/pickup_code_reissued.html", context)


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
            actor=actor, number=order.number, exception_id=exception_id, body=d["body"],
            files=request.FILES.getlist("files"),
        ),
        success=_("已留言"),
    )


@login_required
@require_POST
def resolve_exception(request, number: str, exception_id: int):
    return detail_action(
        request, number, Action.RESOLVE_EXCEPTION,
        lambda actor, order, d: services.resolve_exception(
            actor=actor, number=order.number, exception_id=exception_id, note=d["note"],
            outcome=forms.ResolveForm.outcome_of(d),
        ),
        success=_("异常已完结"),
    )


@login_required
@require_POST
def accept_execution(request, number: str):
    return detail_action(
        request, number, Action.ACCEPT_EXECUTION,
        lambda actor, order, d: services.answer_executions(
            actor=actor, numbers=[order.number], result=ExecutionAcceptance.Result.ACCEPTED
        ),
        success=_("已确认处理结果"),
    )


@login_required
@require_POST
def dispute_execution(request, number: str):
    return detail_action(
        request, number, Action.DISPUTE_EXECUTION,
        lambda actor, order, d: services.answer_executions(
            actor=actor, numbers=[order.number], result=ExecutionAcceptance.Result.DISPUTED,
            dispute=services.Dispute(type=d["type"], description=d["description"], files=tuple(request.FILES.getlist("files"))),
        ),
        success=_("已提交异议,请在异常中与服务商沟通"),
    )


@login_required
@require_GET
def evidence(request, number: str, evidence_id: int):
    """Destruction evidence, served only to those who may see the order (media is not public)."""
    order = order_or_404(request.actor, number)
    execution = getattr(order, "execution", None)
    found = [e for e in (execution.evidence.all() if execution else []) if e.pk == evidence_id]
    if not found:
        raise Http404
    return served(found[0])


@login_required
@require_GET
def exception_file(request, number: str, exception_id: int, file_id: int):
    """A photo or document of an exception's thread, served like destruction evidence."""
    order = order_or_404(request.actor, number)
    found = [f for e in order.exceptions.all() if e.pk == exception_id for f in e.files.all() if f.pk == file_id]
    if not found:
        raise Http404
    return served(found[0])


def served(item) -> FileResponse:
    """Images show inline; a PDF (or anything else) is only downloaded, never rendered in the console's origin,
    and the browser must not second-guess the type."""
    inline = item.content_type in INLINE_EVIDENCE_TYPES
    name = item.file.name.rsplit("/", 1)[-1]
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


INLINE_EVIDENCE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
