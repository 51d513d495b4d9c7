"""Every API route × an outsider (another shop, another provider): what is not yours is not there (404).

The route list comes from the URLconf, so a new route without a row here fails the build."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils import timezone

from parcelback.contacts.models import Contact
from parcelback.instruction_imports.models import InstructionImport
from parcelback.notifications.models import Notification
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import OrderException, ReverseType, Status
from parcelback.webhooks.models import OutboxMessage, WebhookDelivery, WebhookEndpoint

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot as snapshot
from ..helpers import assert_error

NOT_ROUTES = {"openapi-json", "openapi-view", "api-root"}


def api_route_names() -> set[str]:
    (api_include,) = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"]
    return {p.name for p in api_include.url_patterns} - NOT_ROUTES


@dataclass
class Theirs:
    """shop1's things held by provider A, which the outsiders must not reach."""

    order: object
    destroy_order: object
    exception: object
    endpoint: object
    delivery: object
    notification: object
    contact: object
    instruction_import: object


@pytest.fixture
def theirs(world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status=Status.AWAITING_INSTRUCTION)
    destroy_order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY,
                                        status=Status.AWAITING_DESTRUCTION)
    exception = OrderException.objects.create(order=order, type="damaged", description="破损")
    type(order).objects.filter(pk=order.pk).update(exception_state="pending")
    endpoint = WebhookEndpoint.objects.create(organisation=world.shop1, url="http://127.0.0.1:9/hook", secret="whsec_AAAA")
    message = OutboxMessage.objects.create(event_type="reverse_order.created", order_number=order.number, shop=world.shop1,
                                           provider=world.provider_a, payload={})
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, message=message, retry_until=timezone.now() + timedelta(days=1))
    notification = Notification.objects.create(recipient_id=world.merchant1.user_id, kind="overdue", order_number=order.number,
                                               shop=world.shop1, provider=world.provider_a, message=message)
    contact = Contact.objects.create(shop=world.shop1, kind="picker", name="店一的提货人", phone="13800000000", phone_key="+8613800000000")
    instruction_import = InstructionImport.objects.create(
        user_id=world.merchant1.user_id, organisation=world.shop1, file_name="店一.xlsx",
        rows=[{"line": 2, "values": {"number": order.number, "method": "destroy"}, "problems": {}, "group": 0, "outcome": "", "code": ""}],
    )
    return Theirs(order, destroy_order, exception, endpoint, delivery, notification, contact, instruction_import)


def pickup_body(number):
    return {"orders": [number], "method": "self_pickup", "self_pickup": {
        "expected_pickup_at": (timezone.now() + timedelta(days=1)).isoformat(), "picker_name": "王", "picker_phone": "13800000000"}}


def not_found(response, _theirs=None):
    assert_error(response, 404, "not_found")


# route name → (request, check). Each request is made by an outsider with an otherwise valid body.
MATRIX = {
    "list_orders": (lambda c, t: c.get("/reverse-orders"), lambda r, t: t.order.number not in str(r.content)),
    "get_order": (lambda c, t: c.get(f"/reverse-orders/{t.order.number}"), not_found),
    "order_stats": (
        lambda c, t: c.get("/reverse-orders/stats", {"group_by": "status"}),
        lambda r, t: r.status_code == 200 and r.json()["total"] == 0),
    "create_orders": (
        lambda c, t: c.post("/reverse-orders", {"orders": [{
            "external_ref": "X", "shop": "shop1", "warehouse": "tokyo", "reverse_type": "customs_return",
            "business_mode": "pop", "owner": {"id": "O", "name": "O"},
            "lines": [{"product_id": "P", "product_name": "P", "goods_id": "G", "goods_name": "G"}]}]}),
        # provider A's warehouse is not the outsider's: refused as unknown (a merchant may not create at all)
        lambda r, t: r.status_code in (400, 403) and r.json()["code"] in ("invalid", "not_permitted")
        and "RV" not in str(r.content),
    ),
    "register_pickup": (lambda c, t: c.post("/pickup-registrations", pickup_body(t.order.number)), not_found),
    "confirm_destruction": (
        lambda c, t: c.post("/destruction-confirmations", {"orders": [t.destroy_order.number], "confirm": True}), not_found),
    "record_arrivals": (lambda c, t: c.post("/arrivals", {"orders": [t.order.number]}), not_found),
    "answer_executions": (
        lambda c, t: c.post("/execution-acceptances", {"orders": [t.destroy_order.number], "result": "accepted"}), not_found),
    "hand_over": (
        lambda c, t: c.post(f"/reverse-orders/{t.order.number}/handover", {"pickup_code": "123456", "handed_to": "王"}), not_found),
    "reissue_pickup_code": (lambda c, t: c.post(f"/reverse-orders/{t.order.number}/pickup-code"), not_found),
    "rotate_secret": (lambda c, t: c.post(f"/webhook-endpoints/{t.endpoint.pk}/rotate-secret"), not_found),
    "forward": (
        lambda c, t: c.post(f"/reverse-orders/{t.order.number}/forwarding", {"carrier": "SF", "tracking_number": "1"}), not_found),
    "destroy": (
        lambda c, t: c.post_multipart(f"/reverse-orders/{t.destroy_order.number}/destruction", {
            "destroyed_at": timezone.now().isoformat(), "method": "焚烧",
            "evidence": [SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")]}),
        not_found),
    "cancel": (lambda c, t: c.post(f"/reverse-orders/{t.order.number}/cancel", {"reason": "x"}), not_found),
    "raise_exception": (
        lambda c, t: c.post(f"/reverse-orders/{t.destroy_order.number}/exceptions", {"type": "lost", "description": "x"}), not_found),
    "comment_exception": (
        lambda c, t: c.post(f"/reverse-orders/{t.order.number}/exceptions/{t.exception.pk}/comments", {"body": "x"}), not_found),
    "reply_with_evidence": (
        lambda c, t: c.post_multipart(f"/reverse-orders/{t.order.number}/exceptions/{t.exception.pk}/evidence", {
            "body": "x", "files": [SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")]}),
        not_found),
    "resolve_exception": (
        lambda c, t: c.post(f"/reverse-orders/{t.order.number}/exceptions/{t.exception.pk}/resolve", {"note": "x"}), not_found),
    "create_endpoint": (
        lambda c, t: c.post("/webhook-endpoints", {"url": "http://127.0.0.1:9/mine"}),
        # always the caller's own: it never lands on the shop's organisation
        lambda r, t: r.status_code == 201 and WebhookEndpoint.objects.get(pk=r.json()["id"]).organisation != t.endpoint.organisation,
    ),
    "list_endpoints": (lambda c, t: c.get("/webhook-endpoints"), lambda r, t: r.status_code == 200 and r.json() == []),
    "get_endpoint": (lambda c, t: c.get(f"/webhook-endpoints/{t.endpoint.pk}"), not_found),
    "delete_endpoint": (lambda c, t: c.delete(f"/webhook-endpoints/{t.endpoint.pk}"), not_found),
    "list_deliveries": (lambda c, t: c.get(f"/webhook-endpoints/{t.endpoint.pk}/deliveries"), not_found),
    "list_notifications": (
        lambda c, t: c.get("/notifications"), lambda r, t: r.status_code == 200 and t.order.number not in str(r.content)),
    "mark_read": (
        lambda c, t: c.post("/notifications/read", {"ids": [t.notification.pk]}),
        # never another's: nothing marked, for whoever asks
        lambda r, t: r.json() == {"marked": 0} and Notification.objects.get(pk=t.notification.pk).read_at is None),
    "list_contacts": (
        lambda c, t: c.get("/contacts"),
        lambda r, t: r.status_code in (200, 403) and t.contact.name not in r.content.decode()),
    "create_contact": (
        lambda c, t: c.post("/contacts", {"kind": "picker", "name": "王", "phone": "13800000000"}),
        # a merchant's lands in its own shop's book; a provider has none
        lambda r, t: r.status_code == 403 or Contact.objects.get(pk=r.json()["id"]).shop_id != t.contact.shop_id),
    "delete_contact": (
        lambda c, t: c.delete(f"/contacts/{t.contact.pk}"),
        lambda r, t: r.status_code in (403, 404) and Contact.objects.filter(pk=t.contact.pk).exists()),
    "import_instructions": (
        lambda c, t: c.post_multipart("/instruction-imports", {"file": SimpleUploadedFile(
            "i.csv", f"逆向管理单号,处理方式\n{t.order.number},销毁\n".encode(), content_type="text/csv")}),
        # a merchant's file is read against its own orders only: the other shop's number is not found
        lambda r, t: r.status_code == 403 or (r.status_code == 200 and r.json()["rows"][0]["problems"] == {"number": "not_found"})),
    "get_import": (lambda c, t: c.get(f"/instruction-imports/{t.instruction_import.pk}"), not_found),
    "redeliver": (
        lambda c, t: c.post(f"/webhook-endpoints/{t.endpoint.pk}/deliveries/{t.delivery.pk}/redeliver"), not_found),
}


def test_every_api_route_is_in_the_visibility_matrix():
    assert api_route_names() == set(MATRIX)


@pytest.mark.parametrize("outsider", ["merchant2", "provider2"])
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_outsiders_cannot_reach_or_change_anything(api, world, theirs, route, outsider):
    request, check = MATRIX[route]
    before = snapshot(theirs.order.number, theirs.destroy_order.number)
    delivery_before = WebhookDelivery.objects.values().get(pk=theirs.delivery.pk)
    response = request(api(getattr(world, outsider)), theirs)
    result = check(response, theirs)
    assert result is None or result is True, response.content
    assert snapshot(theirs.order.number, theirs.destroy_order.number) == before
    assert WebhookEndpoint.objects.filter(pk=theirs.endpoint.pk).exists()
    assert WebhookDelivery.objects.values().get(pk=theirs.delivery.pk) == delivery_before


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_the_owner_reaches_the_same_routes(api, world, theirs, route):
    """The control: the matrix's requests are not 404 for the order's own shop or provider."""
    request, _check = MATRIX[route]
    owner = world.provider1 if route in {"create_orders", "record_arrivals", "hand_over", "forward", "destroy", "cancel",
                                         "raise_exception"} else world.merchant1
    response = request(api(owner), theirs)
    assert response.status_code != 404, response.content
