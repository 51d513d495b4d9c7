"""The list's saved views: the tabs after the seed's (with their counts), 保存为视图 from the list's current query,
and 管理视图 to rename and delete them."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from parcelback.core.console import go, page, refusal_to_form
from parcelback.core.errors import Code, Refused

from .. import selectors, services
from ..models import SAVED_VIEW_NAME_LENGTH
from ..services.saved_views import VIEW_OWNERS, VIEW_SHARERS

NAME_INPUT = forms.TextInput(attrs={"maxlength": SAVED_VIEW_NAME_LENGTH, "autocomplete": "off"})


class SaveViewForm(forms.Form):
    # Blank and length are the service's rules (one rule for every way in).
    name = forms.CharField(label=gettext_lazy("名称"), required=False, widget=NAME_INPUT)
    shared = forms.BooleanField(label=gettext_lazy("与全店共享"), required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="save-view-%s", **kwargs)


class RenameViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), required=False, widget=NAME_INPUT)


def list_tabs(request) -> dict:
    """What the list page needs for the saved views: the tabs (view, count, active) and the 保存为视图 form."""
    actor = request.actor
    try:
        current = services.list_query(request.GET)
    except Refused:
        current = None  # the list shows which filter is wrong; no saved view is that list
    tabs = [(tab.view, tab.count, tab.view.query == current) for tab in selectors.saved_view_tabs(actor=actor)]
    may_save = actor.role in VIEW_OWNERS and actor.organisation is not None
    return {
        "saved_views": tabs,
        "saved_view_active": any(active for _view, _count, active in tabs),
        "save_view_form": SaveViewForm(initial={"query": request.GET.urlencode()}) if may_save else None,
        "may_share_view": actor.role in VIEW_SHARERS,
    }


def manage_page(request, *, save_form=None, rename_forms=None, status=200):
    actor = request.actor
    rename_forms = rename_forms or {}
    rows = [
        {
            "view": tab.view,
            "count": tab.count,
            "may_manage": not tab.view.shared or actor.role in VIEW_SHARERS,
            "form": rename_forms.get(tab.view.pk) or RenameViewForm(
                initial={"name": tab.view.name}, auto_id=f"view-{tab.view.pk}-%s"
            ),
        }
        for tab in selectors.saved_view_tabs(actor=actor)
    ]
    context = {"rows": rows, "save_form": save_form, "may_share_view": actor.role in VIEW_SHARERS}
    return page(request, "reverse_orders/saved_views.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def saved_views(request):
    """管理视图; a POST saves the list's current query (sent by the list's 保存为视图) as a new view."""
    if request.actor.role not in VIEW_OWNERS or request.actor.organisation is None:
        raise Http404
    if request.method == "GET":
        return manage_page(request)
    form = SaveViewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            view = services.save_view(actor=request.actor, name=data["name"], query=data["query"], shared=data["shared"])
        except Refused as refused:
            refusal_to_form(form, refused)
        else:
            messages.success(request, _("已保存视图:%(name)s") % {"name": view.name})
            return go(request, f"{reverse('orders:list')}?{view.query}")
    return manage_page(request, save_form=form, status=400)


@login_required
@require_POST
def rename_view(request, view_id: int):
    form = RenameViewForm(request.POST, auto_id=f"view-{view_id}-%s")
    if form.is_valid():
        try:
            services.rename_view(actor=request.actor, view_id=view_id, name=form.cleaned_data["name"])
        except Refused as refused:
            if refused.code == Code.NOT_FOUND:
                raise Http404 from None
            refusal_to_form(form, refused)
        else:
            messages.success(request, _("已重命名视图"))
            return go(request, reverse("orders:saved_views"))
    return manage_page(request, rename_forms={view_id: form}, status=400)


@login_required
@require_POST
def delete_view(request, view_id: int):
    try:
        services.delete_view(actor=request.actor, view_id=view_id)
    except Refused as refused:
        if refused.code == Code.NOT_FOUND:
            raise Http404 from None
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已删除视图"))
    return go(request, reverse("orders:saved_views"))
