"""The merchant's instructions from the list: 登记提货, 确认销毁 and 确认处理结果, for one order or a batch. Each dialog shows
the plan first (who can take the action, who is refused and why), then makes the irreversible write."""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parcelback.contacts import selectors as contact_selectors
from parcelback.contacts import services as contact_services
from parcelback.contacts.models import Contact

from parcelback.core.console import back_query, go, list_url, page, refusal_to_form
from parcelback.core.errors import Code, Refused

from .. import batch, forms, selectors, services
from ..models import ExecutionAcceptance, PickupMethod
from . import Action, SelectionTooLarge, refused_list, requested_numbers, selection_too_large
from ..pickup_code_session import code_groups, keep_codes, kept_codes, sealed_code


def batch_dialog(view):
    """The dialogs' common start: the orders asked for (ticked, pasted, or "all N matching" the list's filters) and
    the list view acted from, kept through the dialog and returned to after (`back`); a selection beyond one batch
    is answered at once, before any plan."""

    @wraps(view)
    def dialog(request):
        data = request.POST if request.method == "POST" else request.GET
        try:
            numbers = requested_numbers(data, request.actor)
        except SelectionTooLarge as error:
            return selection_too_large(request, error)
        return view(request, data, numbers, back_query(data.get("back")))

    return dialog


@login_required
@batch_dialog
def batch_pickup(request, data, numbers: list[str], back: str):
    """批量登记提货 (also the single row action): the plan first, one form, then the irreversible write."""
    actor = request.actor
    split = data.get("split_by_warehouse") == "1"
    status = 200
    typos = []
    if request.method == "POST" and "submit" in data:
        form = forms.PickupForm(data)
        if form.is_valid() and (typos := likely_typos(actor, form)):
            status = 400  # the operator confirms first (已核对,信息无误), then submits again
        elif form.is_valid():
            try:
                result = services.register_pickup(
                    actor=actor, numbers=numbers, details=form.details(), split_by_warehouse=split
                )
            except Refused as refused:
                status = refused.http_status
                refusal_to_form(form, refused)
            else:
                remember_contact(request, form)
                codes = [
                    {"warehouse": c.warehouse.pk, "numbers": [o.number for o in c.orders], "sealed_code": sealed_code(c.pickup_code)}
                    for c in result.codes
                ]
                keep_codes(request, "pickup_done", {"numbers": [o.number for o in result.orders], "codes": codes, "back": back})
                return go(request, reverse("orders:pickup_done"))
        else:
            status = 400
    else:
        # A first look (GET), or the dialog re-shown (narrowed, split): what was typed stays, without errors yet.
        typed = {name: data[name] for name in forms.PickupForm.base_fields if data.get(name)}
        form = forms.PickupForm(initial={"method": PickupMethod.SELF_PICKUP} | typed)
    found = selectors.orders_among(actor=actor, numbers=numbers)
    if data.get("narrow") in PickupMethod.values:
        narrowed = batch.plan(Action.REGISTER_PICKUP, numbers, found, actor.role, method=data["narrow"], split_by_warehouse=split)
        numbers = [o.number for o in narrowed.eligible]
    plans = {
        method: batch.plan(Action.REGISTER_PICKUP, numbers, found, actor.role, method=method, split_by_warehouse=split)
        for method in PickupMethod.values
    }
    return page(
        request,
        "reverse_orders/batch_pickup.html",
        {
            "form": form,
            "numbers": numbers,
            "back": back,
            "close_url": list_url(reverse("orders:list"), back),
            "plans": [
                {
                    "method": method,
                    "plan": plan,
                    "refused": refused_list(plan.refused, action=Action.REGISTER_PICKUP, found=found),
                    "warehouses": [(group[0].warehouse, len(group)) for group in plan.warehouse_groups],
                }
                for method, plan in plans.items()
            ],
            "split": split,
            "too_many": len(numbers) > settings.PARCELBACK_MAX_BATCH,
            "typos": [t.message for t in typos],
            "book": {
                kind: contact_selectors.contacts_for(actor=actor, kind=kind)[:BOOK_CHOICES] for kind in Contact.Kind.values
            },
        },
        status=status,
    )


BOOK_CHOICES = 100  # saved contacts offered in the dialog, the last used first


def likely_typos(actor, form) -> list:
    """Saved contacts the typed picker or recipient looks like a slip of, unless the operator confirmed them."""
    return [] if form.cleaned_data["confirm_contact"] else services.likely_contact_typos(actor=actor, details=form.details())


def remember_contact(request, form) -> None:
    """After a registration: keep the picker or recipient in the book if asked, else move the saved one up."""
    contact = form.contact()
    if not form.cleaned_data["save_contact"]:
        contact_services.mark_used(actor=request.actor, details=contact)
        return
    try:
        contact_services.save_contact(actor=request.actor, details=contact)
    except Refused as refused:  # the registration stands; only the book entry is missing
        messages.warning(request, _("登记已提交,但未保存到地址簿:%(reason)s") % {"reason": refused.message})


@login_required
@require_GET
@never_cache
def pickup_done(request):
    """The result of a registration, never cached: the codes stay sealed in the session for a few minutes, so a
    reload (or printing the slip) still shows them to this user, and are gone after."""
    done = kept_codes(request, "pickup_done")
    if not done:
        return redirect("orders:list")
    orders = selectors.orders_among(actor=request.actor, numbers=done["numbers"])
    context = {"codes": code_groups(done, orders), "orders": orders, "slip_url": reverse("orders:pickup_slip")}
    context["back_url"] = list_url(reverse("orders:list"), done.get("back"))
    return page(request, "reverse_orders/pickup_done.html", context)


@login_required
@batch_dialog
def batch_destroy(request, data, numbers: list[str], back: str):
    """确认销毁, single or batch, in two steps as in the seed: the plan naming every order, whose 确定 opens the
    second confirmation (二次确认弹窗); only that one's 确定 (`confirm=1`) destroys. 取消 there goes back."""
    actor = request.actor
    status = 200
    error = None
    step = "confirm" if request.method == "POST" and data.get("step") == "confirm" else "plan"
    if request.method == "POST" and "submit" in data:
        try:
            done = services.confirm_destruction(actor=actor, numbers=numbers, confirm=data.get("confirm") == "1")
        except Refused as refused:
            status = refused.http_status
            error = refused
            step = "confirm" if refused.code == Code.CONFIRMATION_REQUIRED else "plan"
        else:
            messages.success(
                request,
                _("已确认销毁 %(count)s 条,状态已变为 包裹待销毁:%(numbers)s")
                % {"count": len(done), "numbers": ", ".join(o.number for o in done)},
            )
            return go(request, list_url(reverse("orders:list"), back))
    context = plan_context(actor, Action.CONFIRM_DESTRUCTION, numbers, back)
    context |= {"error": error, "step": step if context["plan"].ok else "plan"}
    return page(request, "reverse_orders/batch_destroy.html", context, status=status)


def plan_context(actor, action: Action, numbers: list[str], back: str) -> dict:
    """What 确认销毁 and 确认处理结果 show: the plan (eligible orders, refused ones with their reasons) and the link
    that narrows the batch to the eligible ones."""
    found = selectors.orders_among(actor=actor, numbers=numbers)
    plan = batch.plan(action, numbers, found, actor.role)
    return {
        "numbers": numbers,
        "back": back,
        "close_url": list_url(reverse("orders:list"), back),
        "plan": plan,
        "refused": refused_list(plan.refused, action=action, found=found),
        "narrow": urlencode({"numbers": [o.number for o in plan.eligible], "back": back}, doseq=True),
    }


@login_required
@batch_dialog
def batch_accept(request, data, numbers: list[str], back: str):
    """确认处理结果, single or batch: the plan naming every order (and why others cannot be confirmed), then one
    all-or-nothing confirmation. A dispute is raised per order, on its detail page."""
    actor = request.actor
    status, error = 200, None
    if request.method == "POST" and "submit" in data:
        try:
            done = services.answer_executions(actor=actor, numbers=numbers, result=ExecutionAcceptance.Result.ACCEPTED)
        except Refused as refused:
            status, error = refused.http_status, refused
        else:
            messages.success(
                request,
                _("已确认处理结果 %(count)s 条:%(numbers)s") % {"count": len(done), "numbers": ", ".join(o.number for o in done)},
            )
            return go(request, list_url(reverse("orders:list"), back))
    context = plan_context(actor, Action.ACCEPT_EXECUTION, numbers, back) | {"error": error}
    return page(request, "reverse_orders/batch_accept.html", context, status=status)
