"""GET /notifications and POST /notifications/read: the caller's own, cursor-paged, with the unread filter."""
import pytest

from parcelback.notifications.jobs import catch_up
from parcelback.notifications.models import Notification
from parcelback.reverse_orders.models import EventKind

from ..factories import ReverseOrderFactory
from ..helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(world, announce):
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(5)]
    messages = [announce(EventKind.OVERDUE, order) for order in orders]
    announce(EventKind.CANCELLED, ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_b1))
    catch_up()
    return messages


def test_lists_mine_newest_first(api, world, told):
    body = api(world.merchant1).get("/notifications").json()
    assert [n["order_number"] for n in body["results"]] == [m.order_number for m in reversed(told)]
    first = body["results"][0]
    assert set(first) == {"id", "kind", "event_type", "order_number", "created_at", "read_at"}
    assert first["kind"] == "overdue" and first["event_type"] == "reverse_order.overdue" and first["read_at"] is None
    assert body["next_cursor"] is None


def test_pages_with_the_cursor(api, world, told):
    client = api(world.merchant1)
    seen, cursor = [], None
    while True:
        body = client.get("/notifications", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [n["order_number"] for n in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [m.order_number for m in reversed(told)]


def test_a_forged_cursor_is_refused(api, world, told):
    assert_error(api(world.merchant1).get("/notifications", {"cursor": "bm9wZQ"}), 400, "invalid", field="cursor")


def test_the_unread_filter_and_marking_read(api, world, told):
    client = api(world.merchant1)
    ids = [n["id"] for n in client.get("/notifications").json()["results"]]
    assert client.post("/notifications/read", {"ids": ids[:2]}).json() == {"marked": 2}
    assert client.post("/notifications/read", {"ids": ids[:2]}).json() == {"marked": 0}  # already read
    unread = client.get("/notifications", {"unread": "true"}).json()["results"]
    assert [n["id"] for n in unread] == ids[2:]
    read = client.get("/notifications", {"unread": "false"}).json()["results"]
    assert [n["id"] for n in read] == ids[:2] and all(n["read_at"] for n in read)
    assert client.post("/notifications/read", {"all": True}).json() == {"marked": 3}
    assert client.get("/notifications", {"unread": "true"}).json()["results"] == []


def test_another_shops_ids_are_never_marked(api, world, told):
    mine = list(Notification.objects.filter(recipient_id=world.merchant1.user_id).values_list("pk", flat=True))
    assert api(world.merchant2).post("/notifications/read", {"ids": mine}).json() == {"marked": 0}
    assert api(world.merchant2).post("/notifications/read", {"all": True}).json() == {"marked": 1}
    assert Notification.objects.filter(pk__in=mine, read_at__isnull=False).count() == 0


def test_marking_nothing_is_refused(api, world, told):
    assert_error(api(world.merchant1).post("/notifications/read", {}), 400, "invalid", field="ids")
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.parametrize("body", [{"ids": [False]}, {"ids": ["1"]}, {"all": "yes"}, {"all": 1}])
def test_ids_and_all_take_only_their_own_types(api, world, told, body):
    assert_error(api(world.merchant1).post("/notifications/read", body), 400, "invalid")
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.parametrize("ids", [[-1], [0], [2**63], [-(10**24)]])
def test_an_id_out_of_range_is_a_field_error_not_a_server_error(api, world, ids):
    response = api(world.merchant1).post("/notifications/read", {"ids": ids})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
