"""The console's webhook pages over the Django test client: scoping, roles, the secret shown once, the log."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelback.webhooks import services
from parcelback.webhooks.models import OutboxMessage, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def client_for(client, actor):
    client.force_login(get_user_model().objects.get(pk=actor.user_id))
    return client


def endpoint_of(actor, url="https://erp.example.com/hooks", event_types=()):
    return services.create_endpoint(actor=actor, url=url, event_types=list(event_types))[0]


def failed_delivery(world, endpoint, number="RV202611260001", event_type="reverse_order.created"):
    message = OutboxMessage.objects.create(
        event_type=event_type, order_number=number, shop=world.shop1, provider=world.provider_a, payload={"big": "x" * 100}
    )
    return WebhookDelivery.objects.create(
        endpoint=endpoint, message=message, state="failed", attempts=31, last_status_code=503,
        next_attempt_at=timezone.now() - timedelta(hours=1), retry_until=timezone.now() - timedelta(hours=1),
    )


def test_sidebar_offers_webhooks_and_tokens(client, world):
    html = client_for(client, world.merchant1).get("/orders/").content.decode()
    assert '<a href="/webhooks/" class="">Webhook 设置</a>' in html and '<a href="/tokens/" class="">API 令牌</a>' in html


def test_lists_only_the_organisations_own_endpoints(client, world):
    mine = endpoint_of(world.merchant1, "https://mine.example.com/a", ["exception.raised"])
    endpoint_of(world.merchant2, "https://theirs.example.com/b")
    html = client_for(client, world.merchant1).get("/webhooks/").content.decode()
    assert mine.url in html and "theirs.example.com" not in html
    assert "上报异常" in html and mine.secret not in html
    assert f'href="/webhooks/{mine.pk}/delete/"' in html and 'action="/webhooks/"' in html


def test_registers_an_endpoint_and_shows_the_secret_once(client, world):
    client_for(client, world.provider1)
    response = client.post(
        "/webhooks/",
        {"url": "https://wms.example.com/hooks", "event_types": ["reverse_order.created", "exception.raised"], "description": "WMS"},
    )
    assert response.status_code == 302 and response["Location"] == "/webhooks/created/"
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.organisation, endpoint.url, endpoint.event_types, endpoint.description) == (
        world.provider_a, "https://wms.example.com/hooks", ["exception.raised", "reverse_order.created"], "WMS"
    )
    shown = client.get("/webhooks/created/").content.decode()
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in shown and "只显示这一次" in shown
    # Never again: not on a second visit, not in the list, not in the log.
    assert client.get("/webhooks/created/")["Location"] == "/webhooks/"
    assert endpoint.secret not in client.get("/webhooks/").content.decode()
    assert endpoint.secret not in client.get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()


def test_no_event_type_ticked_means_every_event(client, world, allow_private):
    client_for(client, world.merchant1).post("/webhooks/", {"url": "http://127.0.0.1:9000/"})
    assert WebhookEndpoint.objects.get().event_types == []
    assert "全部事件" in client.get("/webhooks/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [({"url": "ftp://files.example.com/"}, "请填写以 http:// 或 https:// 开头的网址"),
     ({"url": ""}, "必填"),
     ({"url": "https://x.example.com/", "event_types": ["order.eaten"]}, "order.eaten")],
)
def test_refuses_a_bad_endpoint_next_to_the_field_and_writes_nothing(client, world, data, message):
    response = client_for(client, world.merchant1).post("/webhooks/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_refuses_the_twenty_first_endpoint(client, world):
    for n in range(20):
        endpoint_of(world.merchant1, f"https://erp.example.com/{n}")
    response = client_for(client, world.merchant1).post("/webhooks/", {"url": "https://erp.example.com/21"})
    assert response.status_code == 409
    assert "已达 Webhook 地址数量上限" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 20


def test_viewer_sees_the_pages_without_buttons(client, world):
    endpoint = endpoint_of(world.merchant1)
    failed_delivery(world, endpoint)
    client_for(client, world.viewer1)
    listing = client.get("/webhooks/").content.decode()
    assert endpoint.url in listing and "/delete/" not in listing and 'action="/webhooks/"' not in listing
    log = client.get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()
    assert "RV202611260001" in log and "/redeliver/" not in log and "重新推送" not in log


def test_viewer_forged_posts_are_refused_and_write_nothing(client, world):
    endpoint = endpoint_of(world.merchant1)
    delivery = failed_delivery(world, endpoint)
    client_for(client, world.viewer1)
    created = client.post("/webhooks/", {"url": "https://evil.example.com/"})
    deleted = client.post(f"/webhooks/{endpoint.pk}/delete/")
    redelivered = client.post(f"/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/")
    assert [created.status_code, deleted.status_code, redelivered.status_code] == [403, 403, 403]
    assert "您的角色无权进行此操作。" in redelivered.content.decode()
    assert list(WebhookEndpoint.objects.values_list("url", flat=True)) == [endpoint.url]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 31)


@pytest.mark.parametrize(
    "path",
    ["/webhooks/{e}/deliveries/", "/webhooks/{e}/delete/"],
)
def test_another_organisations_endpoint_is_not_found(client, world, path):
    theirs = endpoint_of(world.merchant2)
    assert client_for(client, world.merchant1).get(path.format(e=theirs.pk)).status_code == 404


def test_another_organisations_endpoint_cannot_be_deleted_or_redelivered(client, world):
    theirs = endpoint_of(world.provider2)
    delivery = failed_delivery(world, theirs)
    mine = endpoint_of(world.provider1)
    client_for(client, world.provider1)
    assert client.post(f"/webhooks/{theirs.pk}/delete/").status_code == 404
    assert client.post(f"/webhooks/{theirs.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 404
    # Nor through one's own endpoint.
    assert client.post(f"/webhooks/{mine.pk}/deliveries/{delivery.pk}/redeliver/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=theirs.pk).exists()
    delivery.refresh_from_db()
    assert delivery.state == "failed"


def test_delete_asks_first_then_removes_the_endpoint_and_its_deliveries(client, world):
    endpoint = endpoint_of(world.merchant1)
    failed_delivery(world, endpoint)
    client_for(client, world.merchant1)
    confirm = client.get(f"/webhooks/{endpoint.pk}/delete/")
    assert confirm.status_code == 200 and "确认删除" in confirm.content.decode()
    assert WebhookEndpoint.objects.count() == 1
    response = client.post(f"/webhooks/{endpoint.pk}/delete/", follow=True)
    assert response.redirect_chain == [("/webhooks/", 302)]
    assert "已删除 Webhook 地址 https://erp.example.com/hooks" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0 and WebhookDelivery.objects.count() == 0


def test_delete_from_the_dialog_answers_with_where_to_go(client, world):
    endpoint = endpoint_of(world.merchant1)
    response = client_for(client, world.merchant1).post(f"/webhooks/{endpoint.pk}/delete/", headers={"X-Fragment": "1"})
    assert response.status_code == 204 and response["X-Location"] == "/webhooks/"


def test_delivery_log_shows_each_delivery(client, world):
    endpoint = endpoint_of(world.merchant1)
    failed = failed_delivery(world, endpoint, "RV202611260001")
    message = OutboxMessage.objects.create(
        event_type="exception.raised", order_number="RV202611260002", shop=world.shop1, provider=world.provider_a, payload={}
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, message=message, state="delivered", attempts=1, last_status_code=200,
        delivered_at=timezone.now(), retry_until=timezone.now() + timedelta(hours=24),
    )
    html = client_for(client, world.merchant1).get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()
    for text in ("RV202611260001", "RV202611260002", "上报异常", "exception.raised", ">31<", ">503<", ">200<", "推送失败", "已送达"):
        assert text in html, text
    assert html.index("RV202611260002") < html.index("RV202611260001")  # newest first
    assert f'action="/webhooks/{endpoint.pk}/deliveries/{failed.pk}/redeliver/"' in html


def test_redeliver_puts_the_delivery_back_in_the_queue(client, world):
    endpoint = endpoint_of(world.merchant1)
    delivery = failed_delivery(world, endpoint)
    before = timezone.now()
    response = client_for(client, world.merchant1).post(
        f"/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/", {"page": "1"}, follow=True
    )
    assert response.redirect_chain == [(f"/webhooks/{endpoint.pk}/deliveries/?page=1", 302)]
    assert "已重新加入推送队列" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.leased_until is None
    assert before <= delivery.next_attempt_at <= timezone.now()
    assert delivery.retry_until >= before + timedelta(hours=24)
    assert delivery.attempts == 31  # the history stays; the count goes on


def test_redelivered_delivery_is_sent_by_the_worker(client, world, receiver):
    from parcelback.webhooks.delivery import deliver_due

    endpoint = endpoint_of(world.merchant1, receiver.url)
    delivery = failed_delivery(world, endpoint)
    assert deliver_due() == 0
    client_for(client, world.merchant1).post(f"/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/")
    assert deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_status_code, len(receiver.received)) == ("delivered", 200, 1)


def log_queries(client, endpoint) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/webhooks/{endpoint.pk}/deliveries/").status_code == 200
    return len(captured)


def test_delivery_log_costs_the_same_queries_for_2_or_50_rows(client, world):
    endpoint = endpoint_of(world.merchant1)
    client_for(client, world.merchant1)
    for n in range(2):
        failed_delivery(world, endpoint, f"RVA{n}")
    few = log_queries(client, endpoint)
    for n in range(48):
        failed_delivery(world, endpoint, f"RVB{n}")
    assert log_queries(client, endpoint) == few == 7


def test_endpoint_list_costs_a_fixed_number_of_queries(client, world):
    client_for(client, world.merchant1)
    for n in range(5):
        endpoint_of(world.merchant1, f"https://erp.example.com/{n}")
    with CaptureQueriesContext(connection) as captured:
        client.get("/webhooks/")
    assert len(captured) == 5


def test_pages_speak_english_when_chosen(client, world):
    endpoint = endpoint_of(world.merchant1, event_types=["exception.raised"])
    failed_delivery(world, endpoint)
    client_for(client, world.merchant1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/webhooks/"})
    listing = client.get("/webhooks/").content.decode()
    assert "Add a webhook endpoint" in listing and "Delivery log" in listing and "Raise exception" in listing
    log = client.get(f"/webhooks/{endpoint.pk}/deliveries/").content.decode()
    assert "Redeliver" in log and "Failed" in log and "Attempts" in log
    refused = client.post("/webhooks/", {"url": "ftp://x.example.com/"}).content.decode()
    assert "Enter a URL starting with http:// or https://" in refused
    tokens = client.get("/tokens/").content.decode()
    assert "Create token" in tokens and "API tokens" in tokens
