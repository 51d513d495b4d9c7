"""The console's inbox: the person's notifications newest first, each linking to its order, and marking read."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parcelback.core.console import go, page, paged
from parcelback.core.errors import Refused
from parcelback.reverse_orders.models import EventKind

from . import selectors, services

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
