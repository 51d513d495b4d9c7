"""The address book page: a shop's saved pickers and recipients; operators add and delete, viewers read."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parcelback.accounts.models import Role
from parcelback.core.console import go, page, paged, refusal_to_form
from parcelback.core.errors import Refused

from . import selectors, services
from .models import Contact

PAGE_SIZE = 50
class ContactForm(forms.Form):
    kind = forms.ChoiceField(choices=Contact.Kind.choices, widget=forms.HiddenInput)
    # Required-ness and shapes are the service's rules (one rule for the page, the API and the dialogs).
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=80, required=False)
    phone = forms.CharField(label=gettext_lazy("联系方式"), max_length=32, required=False)
    country = forms.CharField(label=gettext_lazy("国家/地区"), max_length=60, required=False)
    province = forms.CharField(label=gettext_lazy("省/州"), max_length=60, required=False)
    city = forms.CharField(label=gettext_lazy("城市"), max_length=60, required=False)
    district = forms.CharField(label=gettext_lazy("区/县"), max_length=60, required=False)
    street = forms.CharField(label=gettext_lazy("详细地址"), max_length=200, required=False)
    postcode = forms.CharField(label=gettext_lazy("邮编"), max_length=20, required=False)
    confirm_typo = forms.BooleanField(label=gettext_lazy("已核对,仍然保存"), required=False)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs, prefix=kind, initial={"kind": kind})
        if kind == Contact.Kind.PICKER:
            for name in Contact.ADDRESS:
                del self.fields[name]
        self.typos: list[str] = []

    def visible(self):
        return [self[name] for name in self.fields if name not in ("kind", "confirm_typo")]


@login_required
def book(request):
    actor = request.actor
    if actor.role not in services.READERS:
        raise Http404
    may_edit = actor.role == Role.MERCHANT_OPERATOR
    q = request.GET.get("q", "").replace("\x00", "")[:80]
    kind = request.GET.get("kind") if request.GET.get("kind") in Contact.Kind.values else ""
    forms_by_kind = {k: ContactForm(None, kind=k) for k in Contact.Kind.values}
    if request.method == "POST" and may_edit:
        posted = request.POST.get("kind") or request.POST.get("picker-kind") or request.POST.get("recipient-kind")
        kind_posted = posted if posted in Contact.Kind.values else Contact.Kind.PICKER
        form = forms_by_kind[kind_posted] = ContactForm(request.POST, kind=kind_posted)
        if form.is_valid():
            details = services.ContactDetails(**{k: v for k, v in form.cleaned_data.items() if k != "confirm_typo"})
            typos = services.likely_typos(actor=actor, kind=details.kind, name=details.name, phone=details.phone)
            if typos and not form.cleaned_data["confirm_typo"]:
                form.typos = [t.message for t in typos]
            else:
                try:
                    contact, created = services.save_contact(actor=actor, details=details)
                except Refused as refused:
                    refusal_to_form(form, refused)
                else:
                    text = _("已保存到地址簿:%(name)s") if created else _("地址簿中已有:%(name)s")
                    messages.success(request, text % {"name": contact.name})
                    return go(request, reverse("contacts:book"))
    context = paged(request, selectors.contacts_for(actor=actor, kind=kind or None, q=q), per_page=PAGE_SIZE)
    context |= {"forms": forms_by_kind, "may_edit": may_edit, "q": q, "kind": kind, "kinds": Contact.Kind.choices}
    return page(request, "contacts/book.html", context, status=400 if any(f.errors or f.typos for f in forms_by_kind.values()) else 200)


@login_required
@require_POST
def delete(request, contact_id: int):
    try:
        services.delete_contact(actor=request.actor, contact_id=contact_id)
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已从地址簿删除"))
    return go(request, reverse("contacts:book"))
