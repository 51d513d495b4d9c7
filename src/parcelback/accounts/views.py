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
from django.views.decorators.http import require_GET

from parcelback.core.console import go, page
from parcelback.core.errors import Refused

from . import selectors, services


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
                request.session["token_created"] = {"id": token.pk, "secret": secret}
                return redirect("token_created")
    context = {"tokens": selectors.tokens_of(actor=actor), "form": form, "may_issue": actor.role is not None}
    return page(request, "accounts/tokens.html", context, status=status)


@login_required
@require_GET
def token_created(request):
    """The new token in full, this once: only its hash is kept."""
    done = request.session.pop("token_created", None)
    if not done:
        return redirect("tokens")
    token = get_object_or_404(selectors.tokens_of(actor=request.actor), pk=done["id"])
    return page(request, "accounts/token_created.html", {"token": token, "secret": done["secret"]})


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
