from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint


def test_admin_sees_the_delivery_log_and_redelivers(world):
    endpoint = WebhookEndpoint.objects.create(organisation=world.shop1, url="https://erp.example.com/h", secret="whsec_AAAA")
    message = OutboxMessage.objects.create(event_type="exception.raised", order_number="RV1", shop=world.shop1,
                                           provider=world.provider_a, payload={})
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, message=message, state="failed", attempts=3,
                                              last_status_code=500, retry_until=timezone.now() - timedelta(hours=1))
    DeliveryAttempt.objects.create(delivery=delivery, status_code=500)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and b"500" in page.content
    client.post("/admin/webhooks/webhookdelivery/", {"action": "redeliver", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.retry_until > timezone.now()
    assert b"whsec_" not in client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content
