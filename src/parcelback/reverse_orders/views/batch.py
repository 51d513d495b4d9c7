"""The merchant's instructions from the list: 登记提货 and 确认销毁, for one order or a batch. Each dialog shows
the plan first (who can take the action, who is refused and why), then makes the irreversible write."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parcelback.core.console import go, page, refusal_to_form
from parcelback.core.errors import Refused
from parcelback.core.sealing import seal, unseal

from .. import batch, forms, selectors, services
from ..models import PickupMethod
from . import Action, refused_list, requested_numbers

CODE_SEAL = "pickup-code"


def sealed_code(code: str | None) -> str | None:
    """A pickup code as the session may hold it until the one page showing it is opened: sealed, never plain."""
    return seal(code, purpose=CODE_SEAL) if code else None


def unsealed_code(sealed: str | None) -> str | None:
    """The code again, for the page that shows it once; None if it was not sealed here (or under a retired key)."""
    try:
        return unseal(sealed, purpose=CODE_SEAL).decode() if sealed else None
    except ValueError:
        return None


@login_required
def batch_pickup(request):
    """批量登记提货 (also the single row action): the plan first, one form, then the irreversible write."""
    actor = request.actor
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
                refusal_to_form(form, refused)
            else:
                request.session["pickup_done"] = {
                    "numbers": [o.number for o in result.orders],
                    "method": form.cleaned_data["method"],
                    "sealed_code": sealed_code(result.pickup_code),
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
@never_cache
def pickup_done(request):
    """The result of a registration, shown once (and never cached): the code is not kept anywhere readable."""
    done = request.session.pop("pickup_done", None)
    if not done:
        return redirect("orders:list")
    orders = selectors.orders_among(actor=request.actor, numbers=done["numbers"])
    context = {"done": done, "code": unsealed_code(done.get("sealed_code")), "orders": orders}
    return page(request, "reverse_orders/pickup_done.html", context)


@login_required
def batch_destroy(request):
    """确认销毁, single or batch: the dialog names every order and asks a second time."""
    actor = request.actor
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
