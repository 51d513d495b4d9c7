"""The console's inbox: the person's notifications newest first, each linking to its order, and marking read."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcelback.core.console import go, page, paged, refusal_to_form
from parcelback.core.errors import Refused
from parcelback.reverse_orders.models import EventKind

from . import selectors, services
from .models import Email
from .rules import MERCHANT_SIDE, PROVIDER_SIDE, email_for, kinds_heard

PAGE_SIZE = 50
LABELS = dict(EventKind.choices)


@login_required
@require_GET
def inbox(request):
    context = paged(request, selectors.notifications_for(actor=request.actor), per_page=PAGE_SIZE)
    for notification in context["page_obj"]:
        notification.label = LABELS.get(notification.kind, notification.kind)
    return page(request, "notifications/inbox.html", context)


@login_required
@require_POST
def mark_read(request):
    """One row's 标记已读 (`id`) or 全部标为已读 (`all`); back to the page the person was on."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    try:
        marked = services.mark_read(actor=request.actor, ids=ids, all=request.POST.get("all") == "1")
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已标为已读 %(count)s 条") % {"count": marked})
    page_number = request.POST.get("page", "")
    url = reverse("notifications:inbox")
    return go(request, f"{url}?page={page_number}" if page_number.isdigit() else url)


class SettingsForm(forms.Form):
    """The email language, and per kind of notification the person hears of: at once, in the digest, or not."""

    language = forms.ChoiceField(label=_("邮件语言"), choices=settings.LANGUAGES)

    def __init__(self, *args, role: str, saved, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = saved.language
        self.kinds = kinds_heard(role)
        for kind in self.kinds:
            self.fields[f"email_{kind}"] = forms.ChoiceField(
                label=LABELS[kind], choices=Email.choices, widget=forms.RadioSelect,
                initial=email_for(role, kind, saved.email),
            )

    def rows(self):
        return [(kind, self[f"email_{kind}"]) for kind in self.kinds]


@login_required
def notification_settings(request):
    actor = request.actor
    if actor.role not in (*MERCHANT_SIDE, *PROVIDER_SIDE):
        raise Http404
    form = SettingsForm(request.POST or None, role=actor.role, saved=services.settings_of(request.user))
    if request.method == "POST" and form.is_valid():
        email = {kind: form.cleaned_data[f"email_{kind}"] for kind in form.kinds}
        try:
            services.save_settings(actor=actor, language=form.cleaned_data["language"], email=email)
        except Refused as refused:
            refusal_to_form(form, refused)
        else:
            messages.success(request, _("通知设置已保存"))
            return go(request, reverse("notifications:settings"))
    return page(request, "notifications/settings.html", {"form": form, "address": request.user.email, "digest_hour": settings.PARCELBACK_DIGEST_HOUR})
