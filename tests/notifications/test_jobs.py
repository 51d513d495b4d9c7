"""Who is told what, exactly once each, in a bounded number of queries per batch, on both databases."""
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelback.notifications.jobs import SETTLE, catch_up, fan_out_notifications
from parcelback.notifications.models import Notification, NotificationCursor
from parcelback.notifications.rules import PROVIDER_HEARS, PROVIDER_HEARS_FROM_SHOP, SHOP_HEARS
from parcelback.reverse_orders.models import EventKind
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND, OutboxMessage

from ..factories import ReverseOrderFactory, person

pytestmark = pytest.mark.django_db

ANNOUNCED = sorted(EVENT_TYPE_OF_KIND)
# role (world attribute) → the kinds that person hears of, for a shop1 order held by provider A.
HEARS = {
    "merchant1": SHOP_HEARS,
    "viewer1": SHOP_HEARS,
    "provider1": PROVIDER_HEARS - PROVIDER_HEARS_FROM_SHOP,  # the messages here are the system's
    "merchant2": set(),  # another shop
    "provider2": set(),  # another provider
    "admin": set(),  # the platform admin has no inbox
}


def test_the_defaults_are_the_issues_table():
    assert SHOP_HEARS == {
        EventKind.DEADLINE_NEAR, EventKind.OVERDUE, EventKind.EXCEPTION_RAISED, EventKind.EXCEPTION_COMMENTED,
        EventKind.EXCEPTION_RESOLVED, EventKind.HANDED_OVER, EventKind.FORWARDED, EventKind.DESTROYED,
        EventKind.HANDOVER_LOCKED, EventKind.CANCELLED, EventKind.EXECUTION_ACCEPTED,
    }
    assert PROVIDER_HEARS == {
        EventKind.PICKUP_REGISTERED, EventKind.DESTRUCTION_CONFIRMED, EventKind.EXCEPTION_RAISED,
        EventKind.EXCEPTION_COMMENTED, EventKind.PICKUP_CODE_REISSUED, EventKind.EXECUTION_ACCEPTED,
        EventKind.EXECUTION_DISPUTED,
    }
    assert PROVIDER_HEARS_FROM_SHOP == {EventKind.EXCEPTION_RAISED}


def test_a_provider_hears_of_an_exception_only_when_the_shop_raised_it(world):
    """The merchant's "parcel not arrived" reaches the warehouse at once; the system's overdue exceptions and the
    provider's own do not."""
    from parcelback.accounts.actors import SYSTEM
    from parcelback.reverse_orders import services

    def told(order):
        fan_out_notifications()
        return list(Notification.objects.filter(recipient_id=world.provider1.user_id, order_number=order.number)
                    .values_list("kind", "email"))

    by_shop = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None)
    services.raise_exception(actor=world.merchant1, number=by_shop.number, type="not_arrived", description="10 天未到仓")
    assert told(by_shop) == [("exception_raised", "immediate")]
    by_provider = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    services.raise_exception(actor=world.provider1, number=by_provider.number, type="damaged", description="外箱破损")
    by_system = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    services.raise_exception(actor=SYSTEM, number=by_system.number, type="overdue", description="超期")
    assert told(by_provider) == [] and told(by_system) == []


@pytest.mark.parametrize("kind", ANNOUNCED)
@pytest.mark.parametrize("who", sorted(HEARS))
def test_who_is_told_of_what(world, announce, who, kind):
    message = announce(kind)
    fan_out_notifications()
    actor = getattr(world, who)
    mine = list(Notification.objects.filter(recipient_id=actor.user_id).values_list("kind", "order_number", "message_id"))
    assert mine == ([(kind, message.order_number, message.pk)] if kind in HEARS[who] else [])


def test_nobody_is_told_of_created_or_arrived(world, announce):
    announce(EventKind.CREATED)
    announce(EventKind.ARRIVED)
    assert fan_out_notifications() == 2
    assert Notification.objects.count() == 0


def test_running_twice_tells_nobody_twice(world, announce):
    for kind in (EventKind.OVERDUE, EventKind.EXCEPTION_COMMENTED, EventKind.CANCELLED):
        announce(kind)
    assert fan_out_notifications() == 3
    assert fan_out_notifications() == 0
    # even with the cursor set back (a worker died after inserting, before its commit was known)
    NotificationCursor.objects.update(last_message_id=0)
    assert fan_out_notifications() == 3
    # merchant1 + viewer1 for each; provider1 for the comment
    assert Notification.objects.count() == 3 * 2 + 1


def test_young_messages_are_told_at_once_but_the_cursor_waits_for_them(world, announce):
    old = announce(EventKind.OVERDUE)
    young = announce(EventKind.CANCELLED, age=timedelta(seconds=1))
    assert fan_out_notifications() == 1
    assert NotificationCursor.objects.get().last_message_id == old.pk
    assert Notification.objects.filter(message_id=young.pk).count() == 2
    assert fan_out_notifications() == 0  # seen again, told nobody again
    assert fan_out_notifications(now=timezone.now() + SETTLE) == 1
    assert Notification.objects.count() == 4


def test_a_message_committed_after_a_later_one_is_not_skipped(world, announce):
    """PostgreSQL hands out ids at insert: id n+1 can be visible while id n is still uncommitted."""
    first = announce(EventKind.OVERDUE, age=timedelta(seconds=0))
    second = announce(EventKind.CANCELLED, age=timedelta(seconds=0))
    # as if `first` were not visible yet when the worker ran
    saved = OutboxMessage.objects.filter(pk=first.pk).values().get()
    OutboxMessage.objects.filter(pk=first.pk).delete()
    fan_out_notifications()
    OutboxMessage.objects.create(**saved)
    fan_out_notifications()
    assert set(Notification.objects.values_list("message_id", flat=True)) == {first.pk, second.pk}


def test_inactive_people_are_not_told(world, announce):
    get_user_model().objects.filter(pk=world.viewer1.user_id).update(is_active=False)
    announce(EventKind.OVERDUE)
    fan_out_notifications()
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [world.merchant1.user_id]


def test_catch_up_passes_the_whole_outbox(world, announce):
    for _ in range(7):
        announce(EventKind.OVERDUE, age=timedelta(0))
    assert catch_up() == 7
    assert Notification.objects.count() == 14


def queries_for(world, count: int) -> int:
    for i in range(count):
        shop, warehouse = (world.shop1, world.wh_a1) if i % 2 else (world.shop2, world.wh_b1)
        order = ReverseOrderFactory(shop=shop, warehouse=warehouse)
        OutboxMessage.objects.create(
            event_type=EVENT_TYPE_OF_KIND[EventKind.EXCEPTION_COMMENTED], order_number=order.number, shop_id=order.shop_id,
            provider_id=order.provider_id, payload={}, created_at=timezone.now() - timedelta(minutes=5),
        )
    with CaptureQueriesContext(connection) as queries:
        assert fan_out_notifications() == count
    return len(queries)


def test_the_fan_out_costs_the_same_queries_for_10_and_100_messages(world):
    person(world.shop2, "merchant_viewer", "viewer2")
    small = queries_for(world, 10)
    Notification.objects.all().delete()
    large = queries_for(world, 100)
    assert Notification.objects.count() == 100 * 2 + 50 * 1 + 50 * 1  # shop1: 2 + provider A 1; shop2: 2 + B 1
    assert small == large


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_tell_everyone_exactly_once(world, announce):
    for i in range(60):
        announce(EventKind.OVERDUE if i % 2 else EventKind.EXCEPTION_COMMENTED)
    start = threading.Barrier(2)
    errors = []

    def work():
        start.wait()
        try:
            while fan_out_notifications(limit=7):
                pass
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Notification.objects.count() == 60 * 2 + 30
    assert NotificationCursor.objects.get().last_message_id == max(Notification.objects.values_list("message_id", flat=True))


def test_nobody_is_told_of_their_own_organisations_comment(world):
    from parcelback.reverse_orders import services
    from parcelback.reverse_orders.models import OrderException

    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    services.raise_exception(actor=world.provider1, number=order.number, type=OrderException.Type.DAMAGED, description="外箱破损")
    exception = OrderException.objects.get(order=order)
    services.comment_exception(actor=world.merchant1, number=order.number, exception_id=exception.pk, body="请拍照")
    services.comment_exception(actor=world.provider1, number=order.number, exception_id=exception.pk, body="已上传")
    catch_up()
    told = set(Notification.objects.filter(kind=EventKind.EXCEPTION_COMMENTED).values_list("recipient_id", flat=True))
    assert told == {world.provider1.user_id, world.merchant1.user_id, world.viewer1.user_id}
    by_merchant, by_provider = OutboxMessage.objects.filter(event_type=EVENT_TYPE_OF_KIND[EventKind.EXCEPTION_COMMENTED]).order_by("id")
    assert set(Notification.objects.filter(message=by_merchant).values_list("recipient_id", flat=True)) == {world.provider1.user_id}
    assert set(Notification.objects.filter(message=by_provider).values_list("recipient_id", flat=True)) == {
        world.merchant1.user_id, world.viewer1.user_id,
    }
