"""The printable pickup slip of codes just issued (registration, reissue, a spreadsheet's registrations), from
what `pickup_code_session` keeps sealed in the user's session; never cached."""
import re

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parcelback.core.console import page

from .. import selectors
from ..models import PickupRegistration
from ..pickup_code_session import code_groups, kept_codes

def masked_phone(phone: str) -> str:
    """The picker's phone as the slip shows it (138****8000): enough to recognise, not enough to call."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def qr_svg(code: str) -> str:
    """The code as a QR symbol, inline SVG drawn on the server (no script, no inline style: the CSP holds)."""
    symbol = segno.make(code, micro=False, error="m")
    return mark_safe(symbol.svg_inline(scale=5, border=2, svgclass="qr", lineclass=None, title=_("提货码二维码")))


@login_required
@require_GET
@never_cache
def pickup_slip(request, number: str | None = None):
    """The printable pickup slip: one sheet per code, for the picker to bring to the warehouse counter."""
    key = f"pickup_code_reissued:{number}" if number else "pickup_done"
    back = reverse("orders:pickup_code_reissued", args=[number]) if number else reverse("orders:pickup_done")
    done = kept_codes(request, key)
    if not done:
        return redirect("orders:detail", number=number) if number else redirect("orders:list")
    if not done.get("codes"):
        return redirect(back)  # a forwarding: no code, nothing to print
    orders = selectors.orders_among(actor=request.actor, numbers=done["numbers"])
    groups = code_groups(done, orders)
    registrations = {r.order_id: r for r in PickupRegistration.objects.filter(order__in=orders)}
    for group in groups:
        registration = registrations.get(group["orders"][0].pk)
        group["registration"] = registration
        group["picker_phone"] = masked_phone(registration.picker_phone) if registration else ""
        group["qr"] = qr_svg(group["code"]) if group["code"] else ""
    return page(request, "reverse_orders/pickup_slip.html", {"groups": groups, "back": back})
