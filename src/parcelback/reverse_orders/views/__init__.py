"""The console's pages for reverse orders, one module per page family: `lists` (the list and its exports),
`batch` (the merchant's batch instructions), `detail` (one order and its actions), `warehouse` (the provider's
queue, arrival, creation and import). Each view parses the request, calls one selector or service and renders;
which action is legal is `states`' answer, what happens is `services`' job. Helpers shared by those pages live
here; the console's own plumbing (rendering, redirects, refusals on forms) is `core.console`.
"""
from django.conf import settings
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy

from parcelback.accounts.actors import Actor
from parcelback.core.console import back_query, list_url, page
from parcelback.core.errors import MESSAGES, Code, Refused

from .. import selectors, states
from ..filters import split_numbers

Action = states.Action


def may(role, action: Action) -> bool:
    """Whether the role ever takes this action (to show a batch button); per order, `available_actions`."""
    return role in states.TRANSITIONS[action].roles


class SelectionTooLarge(Exception):
    """"All N matching" holds more orders than one batch may (PARCELBACK_MAX_BATCH): refused before any plan."""

    def __init__(self, total: int):
        super().__init__(total)
        self.total = total


def requested_numbers(data, actor: Actor | None = None) -> list[str]:
    """Numbers from ticked rows (`numbers` repeated) and/or pasted text, in order, without repeats; or, with
    `select=filter`, every order the list shows under the filters in `back` (the list's own query string)."""
    if data.get("select") == "filter" and actor is not None:
        limit = settings.PARCELBACK_MAX_BATCH
        numbers, total = selectors.numbers_matching(actor=actor, params=QueryDict(back_query(data.get("back"))), limit=limit)
        if total > limit:
            raise SelectionTooLarge(total)
        return numbers
    seen: dict[str, None] = {}
    for value in data.getlist("numbers"):
        for number in split_numbers(value):
            seen.setdefault(number, None)
    return list(seen)


def selection_too_large(request, error: SelectionTooLarge):
    """The dialog for a selection beyond one batch: says how many matched and the limit; nothing is planned."""
    back_url = list_url(reverse("orders:list"), request.GET.get("back") or request.POST.get("back"))
    context = {"total": error.total, "limit": settings.PARCELBACK_MAX_BATCH, "code": str(Code.BATCH_TOO_LARGE)}
    context |= {"back_url": back_url, "close_url": back_url}
    return page(request, "reverse_orders/batch_too_large.html", context, status=Refused(Code.BATCH_TOO_LARGE).http_status)


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
