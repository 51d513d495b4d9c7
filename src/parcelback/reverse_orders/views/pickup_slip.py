"""The pickup code after it is issued (registration or reissue): kept sealed in the user's session for a few
minutes so a reload or the printable pickup slip still shows it, never stored in plain text, never cached."""
import re
import time

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parcelback.core.console import page
from parcelback.core.sealing import seal, unseal

from .. import selectors
from ..models import PickupRegistration

CODE_SEAL = "pickup-code"
# Long enough to copy, print or reload the page; short enough that a shared screen does not keep showing it.
KEEP_SECONDS = 10 * 60
clock = time.time  # seconds since the epoch; replaced in tests to let a kept code expire


def sealed_code(code: str | None) -> str | None:
    """A pickup code as the session may hold it: sealed, never plain."""
    return seal(code, purpose=CODE_SEAL) if code else None


def unsealed_code(sealed: str | None) -> str | None:
    """The code again, for the pages that show it; None if it was not sealed here (or under a retired key)."""
    try:
        return unseal(sealed, purpose=CODE_SEAL).decode() if sealed else None
    except ValueError:
        return None


def keep_codes(request, key: str, done: dict) -> None:
    """Keep what a registration or reissue produced (its codes sealed) for this user for KEEP_SECONDS."""
    request.session[key] = done | {"until": clock() + KEEP_SECONDS}


def kept_codes(request, key: str) -> dict | None:
    """What `keep_codes` kept, while it lasts; dropped from the session once expired."""
    done = request.session.get(key)
    if done and done.get("until", 0) > clock():
        return done
    request.session.pop(key, None)
    return None


def code_groups(done: dict, orders: list) -> list[dict]:
    """One entry per issued code: its warehouse, the code in clear (for this response only) and its orders."""
    by_number = {o.number: o for o in orders}
    groups = []
    for kept in done.get("codes", []):
        group = [by_number[n] for n in kept["numbers"] if n in by_number]
        if group:
            groups.append({"warehouse": group[0].warehouse, "code": unsealed_code(kept["sealed_code"]), "orders": group})
    return groups


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
