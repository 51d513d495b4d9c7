"""Console pages for an organisation's webhook endpoints and their delivery log. Each view parses, calls one
selector or service (the same ones the API uses) and renders; endpoints of other organisations are 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parcelback.core.console import go, page, paged, refusal_to_form
from parcelback.core.errors import Code, Refused
from parcelback.core.sealing import seal, unseal

from . import selectors, services
from .forms import EndpointForm, event_label
from .models import SECRET_PURPOSE

LOG_PAGE_SIZE = 50


def may_manage(actor) -> bool:
    """Whether to show the buttons; the services refuse a forged POST all the same."""
    return actor.role in services.MANAGERS and actor.organisation is not None


def endpoint_or_404(actor, endpoint_id: int):
    try:
        return selectors.endpoint_for(actor=actor, endpoint_id=endpoint_id)
    except Refused:
        raise Http404 from None


@login_required
def endpoints(request):
    """Webhook 设置: the organisation's endpoints, and the form that registers another."""
    actor = request.actor
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                endpoint, secret = services.create_endpoint(
                    actor=actor, url=data["url"], event_types=data["event_types"], description=data["description"]
                )
            except Refused as refused:
                status = refused.http_status
                refusal_to_form(form, refused)
            else:
                return show_secret_once(request, endpoint, secret)
    rows = list(selectors.endpoints_for(actor=actor))
    for endpoint in rows:
        endpoint.event_labels = [event_label(t) for t in endpoint.event_types]
    context = {"endpoints": rows, "form": form, "may_manage": may_manage(actor)}
    return page(request, "webhooks/endpoints.html", context, status=status)


def show_secret_once(request, endpoint, secret: str, *, rotated: bool = False):
    """To the page that shows a new secret once. The session keeps it only sealed until then: a session table
    holds no plain `whsec_`."""
    sealed = seal(secret, purpose=SECRET_PURPOSE)
    request.session["webhook_created"] = {"id": endpoint.pk, "sealed": sealed, "rotated": rotated}
    return go(request, reverse("webhooks:created"))


@never_cache
@login_required
@require_GET
def created(request):
    """A new signing secret (of a new endpoint, or after a rotation), this once; never kept by a cache."""
    done = request.session.pop("webhook_created", None)
    if not done or "sealed" not in done:
        return redirect("webhooks:endpoints")
    endpoint = endpoint_or_404(request.actor, done["id"])
    secret = unseal(done["sealed"], purpose=SECRET_PURPOSE).decode()
    context = {"endpoint": endpoint, "secret": secret, "rotated": done["rotated"]}
    return page(request, "webhooks/created.html", context)


@login_required
def rotate_secret(request, endpoint_id: int):
    """更换密钥, behind a confirmation: a new secret, shown once; the old one keeps signing for 24 hours."""
    actor = request.actor
    endpoint = endpoint_or_404(actor, endpoint_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            endpoint, secret = services.rotate_secret(actor=actor, endpoint_id=endpoint.pk)
        except Refused as refused:
            error, status = refused.message, refused.http_status
        else:
            return show_secret_once(request, endpoint, secret, rotated=True)
    overlap_hours = int(services.ROTATION_OVERLAP.total_seconds() // 3600)
    context = {"endpoint": endpoint, "error": error, "overlap_hours": overlap_hours}
    return page(request, "webhooks/rotate.html", context, status=status)


@login_required
def delete(request, endpoint_id: int):
    """删除, behind a confirmation (a dialog with the script, a page without)."""
    actor = request.actor
    endpoint = endpoint_or_404(actor, endpoint_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.delete_endpoint(actor=actor, endpoint_id=endpoint.pk)
        except Refused as refused:
            error, status = refused.message, refused.http_status
        else:
            messages.success(request, _("已删除 Webhook 地址 %(url)s") % {"url": endpoint.url})
            return go(request, reverse("webhooks:endpoints"))
    return page(request, "webhooks/delete.html", {"endpoint": endpoint, "error": error}, status=status)


def render_log(request, endpoint, *, error: str | None = None, status: int = 200):
    actor = request.actor
    listed = paged(request, selectors.delivery_log(endpoint=endpoint), per_page=LOG_PAGE_SIZE)
    deliveries = list(listed["page_obj"].object_list)
    for delivery in deliveries:
        delivery.event_label = event_label(delivery.message.event_type)
    return page(
        request,
        "webhooks/deliveries.html",
        {
            "endpoint": endpoint,
            "event_labels": [event_label(t) for t in endpoint.event_types],
            "deliveries": deliveries,
            **listed,
            "may_manage": may_manage(actor),
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_GET
def deliveries(request, endpoint_id: int):
    """推送记录: every message owed to the endpoint, its attempts and the receiver's last answer."""
    return render_log(request, endpoint_or_404(request.actor, endpoint_id))


@login_required
@require_POST
def redeliver(request, endpoint_id: int, delivery_id: int):
    """重新推送: the delivery goes back in the worker's queue, due now, with a fresh 24-hour retry window."""
    actor = request.actor
    endpoint = endpoint_or_404(actor, endpoint_id)
    try:
        delivery = services.redeliver(actor=actor, endpoint_id=endpoint.pk, delivery_id=delivery_id)
    except Refused as refused:
        if refused.code == Code.NOT_FOUND:
            raise Http404 from None
        return render_log(request, endpoint, error=refused.message, status=refused.http_status)
    message = delivery.message
    messages.success(
        request,
        _("已重新加入推送队列:%(event)s %(number)s") % {"event": event_label(message.event_type), "number": message.order_number},
    )
    back = request.POST.get("page", "")
    return redirect(reverse("webhooks:deliveries", args=[endpoint.pk]) + (f"?page={back}" if back.isdigit() else ""))
