"""Signing in and out (django-axes locks an account after repeated failures), and a person's API tokens."""
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parcelback.core.console import go, page, refusal_to_form
from parcelback.core.errors import Refused
from parcelback.core.sealing import seal, unseal

from . import selectors, services
from .models import Warehouse


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule), so a link on another site cannot sign anyone out."""


# --- API 令牌: a person's tokens for their own systems ---------------------------------------------------


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"), required=False, max_length=80,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如:WMS 同步")}),
    )


@login_required
def tokens(request):
    """The signed-in person's tokens (prefixes only) and the form that issues another."""
    actor = request.actor
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                token, secret = services.issue_token(actor=actor, name=form.cleaned_data["name"])
            except Refused as refused:
                status = refused.http_status
                form.add_error(None, refused.message)
            else:
                # Sealed while it waits in the session: no plain token at rest, not even for a moment.
                request.session["token_created"] = {"id": token.pk, "sealed": seal(secret, purpose="api-token")}
                return redirect("token_created")
    context = {"tokens": selectors.tokens_of(actor=actor), "form": form, "may_issue": actor.role is not None}
    return page(request, "accounts/tokens.html", context, status=status)


@never_cache
@login_required
@require_GET
def token_created(request):
    """The new token in full, this once: only its hash is kept."""
    done = request.session.pop("token_created", None)
    if not done or "sealed" not in done:
        return redirect("tokens")
    token = get_object_or_404(selectors.tokens_of(actor=request.actor), pk=done["id"])
    secret = unseal(done["sealed"], purpose="api-token").decode()
    return page(request, "accounts/token_created.html", {"token": token, "secret": secret})


@login_required
def revoke_token(request, token_id: int):
    """撤销, behind a confirmation: integrations using the token stop working at once."""
    actor = request.actor
    token = get_object_or_404(selectors.tokens_of(actor=actor), pk=token_id)
    if request.method == "POST":
        try:
            services.revoke_token(actor=actor, token_id=token.pk)
        except Refused:
            raise Http404 from None
        messages.success(request, _("已撤销 API 令牌 %(prefix)s…") % {"prefix": token.prefix})
        return go(request, reverse("tokens"))
    return page(request, "accounts/revoke_token.html", {"token": token})


# --- 仓库信息: a provider's warehouses as merchants see them ----------------------------------------------


def _length(name: str) -> int:
    return Warehouse._meta.get_field(name).max_length


class WarehouseForm(forms.Form):
    address = forms.CharField(label=gettext_lazy("地址"), required=False, max_length=_length("address"))
    opening_hours = forms.CharField(
        label=gettext_lazy("营业时间"), required=False, max_length=_length("opening_hours"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如:周一至周五 9:00–18:00")}),
    )
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), required=False, max_length=_length("contact_phone"))


@login_required
def warehouses(request):
    """The provider's warehouses with the details merchants see on orders and pickup slips, each editable."""
    actor = request.actor
    if not selectors.may_edit_warehouses(actor=actor):
        raise Http404
    rows = list(selectors.warehouses_of(actor=actor))
    editing = request.POST.get("code") if request.method == "POST" else None
    status = 200
    for warehouse in rows:
        data = request.POST if warehouse.code == editing else None
        warehouse.form = WarehouseForm(data, prefix=warehouse.code, initial={
            name: getattr(warehouse, name) for name in services.WAREHOUSE_DETAILS
        })
        if data is None:
            continue
        status = 400
        if warehouse.form.is_valid():
            try:
                services.update_warehouse(actor=actor, code=warehouse.code, **warehouse.form.cleaned_data)
            except Refused as refused:
                status = refused.http_status
                refusal_to_form(warehouse.form, refused)
            else:
                messages.success(request, _("已保存仓库信息:%(name)s") % {"name": warehouse.name})
                return redirect("warehouses")
    return page(request, "accounts/warehouses.html", {"warehouses": rows}, status=status)
