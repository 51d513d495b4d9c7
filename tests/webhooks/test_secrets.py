"""Webhook secrets (issue 10, finding 10a): sealed at rest, never plain in a table or a log, and rotated with an
overlap during which every webhook carries both signatures."""
import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from parcelback.core.sealing import unseal
from parcelback.webhooks import delivery, services
from parcelback.webhooks.models import SECRET_PURPOSE, OutboxMessage, WebhookDelivery, WebhookEndpoint

from ..helpers import assert_error


def table_text(table: str) -> str:
    """Every value of every row of a table, as the database has it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return repr(cursor.fetchall())


def announce(world, number="RV1"):
    OutboxMessage.objects.create(
        event_type="reverse_order.created", order_number=number, shop=world.shop1, provider=world.provider_a, payload={}
    )
    delivery.fan_out()
    delivery.deliver_due()


def signatures(headers) -> list[str]:
    return headers["webhook-signature"].split(" ")


def test_the_secret_is_only_sealed_in_the_database_and_never_logged(api, world, receiver, caplog):
    with caplog.at_level(logging.DEBUG):
        body = api(world.merchant1).post("/webhook-endpoints", {"url": receiver.url}).json()
        receiver.statuses = [500]
        announce(world)
    secret = body["secret"]
    text = table_text(WebhookEndpoint._meta.db_table)
    assert "whsec_" not in text and secret.removeprefix("whsec_") not in text
    sealed = WebhookEndpoint.objects.get().secret_sealed
    assert unseal(sealed, purpose=SECRET_PURPOSE).decode() == secret
    assert "whsec_" not in caplog.text and secret.removeprefix("whsec_") not in caplog.text
    [(headers, raw)] = receiver.received
    Webhook(secret).verify(raw, headers)  # still signed with it


def test_the_console_keeps_a_new_secret_only_sealed_until_it_is_shown(client, world):
    client.force_login(get_user_model().objects.get(pk=world.merchant1.user_id))
    client.post("/webhooks/", {"url": "https://erp.example.com/hooks"})
    secret = WebhookEndpoint.objects.get().secret
    assert all(secret not in repr(s.get_decoded()) and "whsec_" not in repr(s.get_decoded()) for s in Session.objects.all())
    shown = client.get("/webhooks/created/")
    assert secret in shown.content.decode() and "no-store" in shown["Cache-Control"]


def test_rotation_signs_with_both_secrets_during_the_overlap_then_only_the_new_one(api, world, receiver):
    client = api(world.merchant1)
    created = client.post("/webhook-endpoints", {"url": receiver.url}).json()
    rotated = client.post(f"/webhook-endpoints/{created['id']}/rotate-secret")
    assert rotated.status_code == 201
    body = rotated.json()
    old, new = created["secret"], body["secret"]
    assert new.startswith("whsec_") and new != old and body["id"] == created["id"]
    until = WebhookEndpoint.objects.get().previous_secret_until
    assert timedelta(hours=23, minutes=59) < until - timezone.now() <= timedelta(hours=24)
    listed = client.get(f"/webhook-endpoints/{created['id']}").json()
    assert "secret" not in listed and listed["previous_secret_expires_at"] is not None

    announce(world, "RV1")
    [(headers, raw)] = receiver.received
    assert len(signatures(headers)) == 2  # "v1,<new> v1,<old>", as Standard Webhooks allows
    Webhook(new).verify(raw, headers)
    Webhook(old).verify(raw, headers)

    WebhookEndpoint.objects.update(previous_secret_until=timezone.now() - timedelta(seconds=1))  # the overlap ends
    announce(world, "RV2")
    headers, raw = receiver.received[1]
    assert len(signatures(headers)) == 1
    Webhook(new).verify(raw, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(raw, headers)


def test_rotation_without_overlap_drops_the_old_secret_at_once(api, world, receiver):
    client = api(world.merchant1)
    created = client.post("/webhook-endpoints", {"url": receiver.url}).json()
    new = client.post(f"/webhook-endpoints/{created['id']}/rotate-secret", {"overlap_hours": 0}).json()["secret"]
    announce(world)
    [(headers, raw)] = receiver.received
    assert len(signatures(headers)) == 1
    Webhook(new).verify(raw, headers)


def test_only_the_endpoints_own_managers_may_rotate(api, world):
    endpoint, _secret = services.create_endpoint(actor=world.merchant1, url="https://erp.example.com/hooks", event_types=[])
    before = WebhookEndpoint.objects.values_list("secret_sealed", "previous_secret_sealed", "previous_secret_until").get()
    assert_error(api(world.viewer1).post(f"/webhook-endpoints/{endpoint.pk}/rotate-secret"), 403, "not_permitted")
    assert_error(api(world.merchant2).post(f"/webhook-endpoints/{endpoint.pk}/rotate-secret"), 404, "not_found")
    assert_error(
        api(world.merchant1).post(f"/webhook-endpoints/{endpoint.pk}/rotate-secret", {"overlap_hours": 999}), 400, "invalid"
    )
    assert_error(  # a boolean is not a number of hours
        api(world.merchant1).post(f"/webhook-endpoints/{endpoint.pk}/rotate-secret", {"overlap_hours": False}), 400, "invalid"
    )
    after = WebhookEndpoint.objects.values_list("secret_sealed", "previous_secret_sealed", "previous_secret_until").get()
    assert after == before


def test_the_endpoints_page_offers_rotation_and_shows_the_new_secret_once(client, world):
    endpoint, old = services.create_endpoint(actor=world.merchant1, url="https://erp.example.com/hooks", event_types=[])
    client.force_login(get_user_model().objects.get(pk=world.merchant1.user_id))
    page = client.get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()
    assert f'href="/webhooks/{endpoint.pk}/rotate-secret/"' in page
    assert "生成新密钥" in client.get(f"/webhooks/{endpoint.pk}/rotate-secret/").content.decode()
    response = client.post(f"/webhooks/{endpoint.pk}/rotate-secret/")
    assert response.status_code == 302 and response["Location"] == "/webhooks/created/"
    new = WebhookEndpoint.objects.get().secret
    shown = client.get("/webhooks/created/")
    assert new != old and new in shown.content.decode() and old not in shown.content.decode()
    assert "签名密钥已更换" in shown.content.decode() and "no-store" in shown["Cache-Control"]
    assert client.get("/webhooks/created/")["Location"] == "/webhooks/"
    assert "正在更换密钥" in client.get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()


def test_a_viewer_sees_no_rotation_button_and_cannot_forge_one(client, world):
    endpoint, _secret = services.create_endpoint(actor=world.merchant1, url="https://erp.example.com/hooks", event_types=[])
    before = WebhookEndpoint.objects.get().secret_sealed
    client.force_login(get_user_model().objects.get(pk=world.viewer1.user_id))
    assert "rotate-secret" not in client.get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()
    assert client.post(f"/webhooks/{endpoint.pk}/rotate-secret/").status_code == 403
    assert WebhookEndpoint.objects.get().secret_sealed == before


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_plain_secrets(world):
    executor = MigrationExecutor(connection)
    executor.migrate([("webhooks", "0004_pruning_indexes")])
    try:
        executor.loader.build_graph()
        Old = executor.loader.project_state([("webhooks", "0004_pruning_indexes")]).apps.get_model("webhooks", "WebhookEndpoint")
        plain = "whsec_" + "B" * 44
        Old.objects.create(organisation_id=world.shop1.pk, url="https://erp.example.com/hooks", secret=plain)
        executor.loader.build_graph()
        executor.migrate([("webhooks", "0006_drop_plain_secret")])
        assert "whsec_" not in table_text(WebhookEndpoint._meta.db_table)
        assert WebhookEndpoint.objects.get().secret == plain
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_endpoint_whose_secret_no_longer_unseals_fails_alone_and_is_logged(world, receiver, caplog):
    """E.g. SECRET_KEY changed without keeping the old one in SECRET_KEY_FALLBACKS: that endpoint's deliveries fail
    with a logged traceback; the worker and every other endpoint go on."""
    earlier = timezone.now() - timedelta(minutes=1)
    broken = WebhookEndpoint.objects.create(organisation=world.shop1, url=receiver.url + "/broken", created_at=earlier,
                                            secret_sealed="not-a-sealed-value")
    fine = WebhookEndpoint.objects.create(organisation=world.shop1, url=receiver.url + "/fine", created_at=earlier,
                                          secret="whsec_" + "A" * 44)
    with caplog.at_level(logging.ERROR, logger="parcelback.webhooks"):
        announce(world)
    assert [h["webhook-signature"] != "" for h, _b in receiver.received] == [True]
    assert WebhookDelivery.objects.get(endpoint=fine).state == "delivered"
    failed = WebhookDelivery.objects.get(endpoint=broken)
    assert (failed.state, failed.last_error) == ("pending", "internal error")
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged.exc_info[0] is ValueError
