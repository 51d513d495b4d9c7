"""The inbox page and the bell: a person's own notifications only, newest first, marked read one by one or all."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcelback.notifications.jobs import catch_up
from parcelback.notifications.models import Notification
from parcelback.reverse_orders.models import EventKind

from ..factories import ReverseOrderFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(world, announce):
    """merchant1 (and viewer1) are told of two shop1 orders; merchant2 of one shop2 order."""
    first = announce(EventKind.OVERDUE)
    second = announce(EventKind.EXCEPTION_RAISED, ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1))
    theirs = announce(EventKind.CANCELLED, ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_b1))
    catch_up()
    return first, second, theirs


def bell(response) -> str:
    html = response.content.decode()
    start = html.index("data-unread>") + len("data-unread>")
    return html[start:html.index("<", start)]


def test_the_bell_shows_the_unread_count_on_every_page(client, world, told):
    client_for(client, world.merchant1)
    assert bell(client.get("/orders/")) == "2"
    client_for(client, world.merchant2)
    assert bell(client.get("/orders/")) == "1"


def test_the_bell_costs_one_count(client, world, told):
    client_for(client, world.merchant1)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/webhooks/")
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1


def test_the_inbox_lists_only_mine_newest_first(client, world, told):
    first, second, theirs = told
    response = client_for(client, world.merchant1).get("/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(second.order_number) < html.index(first.order_number)  # newest first
    assert theirs.order_number not in html
    assert "超期未处理" in html and "上报异常" in html and f'href="/orders/{first.order_number}/"' in html
    assert html.count('class="unread"') == 2


def test_mark_one_read(client, world, told):
    first, _second, _theirs = told
    mine = Notification.objects.get(recipient_id=world.merchant1.user_id, message_id=first.pk)
    response = client_for(client, world.merchant1).post("/notifications/read/", {"id": mine.pk, "page": "1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    assert bell(client.get("/notifications/")) == "1"
    # viewer1's copy of the same event is still unread
    assert Notification.objects.get(recipient_id=world.viewer1.user_id, message_id=first.pk).read_at is None


def test_mark_all_read_marks_only_mine(client, world, told):
    client_for(client, world.merchant1).post("/notifications/read/", {"all": "1"})
    assert bell(client.get("/notifications/")) == "0"
    assert Notification.objects.filter(read_at__isnull=True).exclude(recipient_id=world.merchant1.user_id).count() == 3


def test_another_shops_ids_are_never_marked(client, world, told):
    theirs = Notification.objects.get(recipient_id=world.merchant2.user_id)
    client_for(client, world.merchant1).post("/notifications/read/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_a_post_and_a_sign_in(client, world, told):
    assert client.post("/notifications/read/", {"all": "1"}).status_code == 302  # to the login page
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert client_for(client, world.merchant1).get("/notifications/read/").status_code == 405


def test_the_admin_has_an_empty_inbox(client, world, told):
    response = client_for(client, world.admin).get("/notifications/")
    assert response.status_code == 200 and "还没有通知" in response.content.decode()
