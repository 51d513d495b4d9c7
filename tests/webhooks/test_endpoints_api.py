from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.webhooks.models import OutboxMessage, WebhookDelivery, WebhookEndpoint

from ..helpers import assert_error


def test_registers_an_endpoint_and_shows_the_secret_once(api, world):
    client = api(world.merchant1)
    created = client.post("/webhook-endpoints", {"url": "https://erp.example.com/hooks", "event_types": ["exception.raised"]})
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["exception.raised"]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organisation == world.shop1 and endpoint.secret == body["secret"]
    listed = client.get("/webhook-endpoints").json()
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in client.get(f"/webhook-endpoints/{body['id']}").json()
    assert client.delete(f"/webhook-endpoints/{body['id']}").status_code == 204
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    "body, field",
    [({"url": "ftp://x"}, "url"), ({"url": "https://x", "event_types": ["order.eaten"]}, "event_types[0]"),
     ({"url": "https://x", "secret": "mine"}, "secret")],
)
def test_refuses_bad_endpoints(api, world, body, field):
    assert_error(api(world.merchant1).post("/webhook-endpoints", body), 400, "invalid", field=field)
    assert WebhookEndpoint.objects.count() == 0


def test_viewer_may_not_manage_endpoints(api, world):
    assert_error(api(world.viewer1).post("/webhook-endpoints", {"url": "https://x"}), 403, "not_permitted")
    assert WebhookEndpoint.objects.count() == 0


def test_delivery_log_and_redeliver(api, world):
    client = api(world.merchant1)
    endpoint_id = client.post("/webhook-endpoints", {"url": "https://erp.example.com/hooks"}).json()["id"]
    message = OutboxMessage.objects.create(event_type="reverse_order.created", order_number="RV1", shop=world.shop1,
                                           provider=world.provider_a, payload={})
    delivery = WebhookDelivery.objects.create(endpoint_id=endpoint_id, message=message, state="failed", attempts=30,
                                              retry_until=timezone.now() - timedelta(hours=1))
    log = client.get(f"/webhook-endpoints/{endpoint_id}/deliveries").json()
    assert [(d["id"], d["state"], d["webhook_id"]) for d in log] == [(delivery.pk, "failed", f"msg_{message.message_id.hex}")]
    again = client.post(f"/webhook-endpoints/{endpoint_id}/deliveries/{delivery.pk}/redeliver")
    assert again.status_code == 202 and again.json()["state"] == "pending"
    delivery.refresh_from_db()
    assert delivery.retry_until > timezone.now() + timedelta(hours=23)


def test_refuses_more_than_twenty_endpoints(api, world):
    client = api(world.provider1)
    for n in range(20):
        assert client.post("/webhook-endpoints", {"url": f"https://wms.example.com/{n}"}).status_code == 201
    assert_error(client.post("/webhook-endpoints", {"url": "https://wms.example.com/21"}), 409, "too_many_endpoints")
    assert WebhookEndpoint.objects.count() == 20
