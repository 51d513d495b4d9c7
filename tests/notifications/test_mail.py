"""Emails through a real SMTP server: immediate ones, the daily digest, settings, retries, bounces, and never twice."""
import logging
from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelback.accounts.models import Membership
from parcelback.notifications import mail
from parcelback.notifications.digest import cutoff_of, plan_digests
from parcelback.notifications.jobs import fan_out_notifications
from parcelback.notifications.mail import report_in_doubt, send_due_mail
from parcelback.notifications.models import Digest, DigestRun, Email, Notification, NotificationSettings
from parcelback.reverse_orders.models import EventKind
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND

from ..factories import ReverseOrderFactory, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mail_server_not_paused(monkeypatch):
    """A test that finds the server unreachable pauses sending in this process: the next test starts afresh."""
    monkeypatch.setattr(mail, "_paused_until", None)


def parts(message) -> tuple[str, str]:
    """(plain text, HTML) of a received message."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def address(actor) -> str:
    return f"{actor.username}@example.com"


def user_of(actor):
    return get_user_model().objects.get(pk=actor.user_id)


def test_an_instruction_is_mailed_at_once_to_the_providers_operators(world, announce, smtp):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    announce(EventKind.PICKUP_REGISTERED, order, data={"pickup_code": "731905", "picker_phone": "13800138000"})
    fan_out_notifications()

    assert send_due_mail() == 1
    [message] = smtp.messages
    assert message["To"] == address(world.provider1)
    assert order.number in message["Subject"] and "登记提货" in message["Subject"]
    text, html = parts(message)
    for body in (text, html):
        assert order.number in body and f"/orders/{order.number}/" in body and "/notifications/settings/" in body
        assert "731905" not in body and "13800138000" not in body  # nothing of the payload, no pickup code
    assert message["Message-ID"].startswith("<notification-")
    assert send_due_mail(now=timezone.now() + timedelta(days=1)) == 0  # never twice
    assert len(smtp.messages) == 1
    assert Notification.objects.get(recipient_id=world.provider1.user_id).mail_state == "sent"


def test_the_email_is_in_the_persons_language(world, announce, smtp):
    NotificationSettings.objects.create(user_id=world.provider1.user_id, language="en")
    announce(EventKind.PICKUP_REGISTERED)
    fan_out_notifications()
    send_due_mail()
    [message] = smtp.messages
    assert "Register pickup" in message["Subject"]
    assert '<html lang="en">' in parts(message)[1]


def test_a_person_who_opted_out_gets_nothing_and_the_others_still_do(world, announce, smtp):
    NotificationSettings.objects.create(user_id=world.merchant1.user_id, email={EventKind.OVERDUE: Email.OFF})
    announce(EventKind.OVERDUE)
    fan_out_notifications()
    send_due_mail()
    assert [m["To"] for m in smtp.messages] == [address(world.viewer1)]
    assert Notification.objects.filter(recipient_id=world.merchant1.user_id).count() == 1  # still in the inbox


def test_nobody_is_mailed_of_another_organisations_orders(world, announce, smtp):
    for kind in EVENT_TYPE_OF_KIND:
        announce(kind)
    fan_out_notifications()
    send_due_mail()
    plan_digests(now=cutoff_of(timezone.localdate()) + timedelta(minutes=1))
    send_due_mail(now=timezone.now() + timedelta(days=1))
    mailed = {m["To"] for m in smtp.messages}
    assert mailed == {address(world.merchant1), address(world.viewer1), address(world.provider1)}


def test_a_refusal_is_retried_later(world, announce, smtp):
    smtp.refuse_data = ["451 4.3.0 Try again later"]
    announce(EventKind.PICKUP_REGISTERED)
    fan_out_notifications()
    now = timezone.now()

    assert send_due_mail(now=now) == 0
    row = Notification.objects.get(recipient_id=world.provider1.user_id)
    assert row.mail_state == "retrying" and "451" in row.mail_error
    assert send_due_mail(now=now + timedelta(seconds=30)) == 0  # not before its time
    assert send_due_mail(now=now + timedelta(minutes=2)) == 1
    assert len(smtp.messages) == 1
    row.refresh_from_db()
    assert row.mail_state == "sent" and row.mail_attempts == 2 and row.mail_error == ""


def test_a_bounced_recipient_is_logged_and_does_not_block_the_others(world, announce, smtp, caplog):
    smtp.refuse_rcpt[address(world.merchant1)] = "550 5.1.1 No such mailbox"
    announce(EventKind.OVERDUE)
    fan_out_notifications()
    with caplog.at_level(logging.WARNING, logger="parcelback.mail"):
        assert send_due_mail() == 1
    assert [m["To"] for m in smtp.messages] == [address(world.viewer1)]
    bounced = Notification.objects.get(recipient_id=world.merchant1.user_id)
    assert bounced.mail_state == "failed" and "550" in bounced.mail_error
    assert f"user {world.merchant1.user_id}" in caplog.text and "given up" in caplog.text
    assert send_due_mail(now=timezone.now() + timedelta(days=1)) == 0  # a permanent refusal is not retried


def test_a_server_that_cannot_be_reached_claims_nothing_and_is_left_alone_a_minute(world, announce, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    announce(EventKind.PICKUP_REGISTERED)
    fan_out_notifications()
    assert send_due_mail() == 0
    assert Notification.objects.get(recipient_id=world.provider1.user_id).mail_state == "waiting"
    tried = []
    monkeypatch.setattr(mail, "get_connection", lambda **kw: tried.append(kw))
    assert send_due_mail() == 0 and tried == []  # paused: the worker's loop does not wait on it every round


def test_a_worker_killed_between_send_and_record_never_sends_twice(world, announce, smtp, monkeypatch, caplog):
    announce(EventKind.PICKUP_REGISTERED)
    fan_out_notifications()

    def killed(row, now):
        raise KeyboardInterrupt  # the process dies after the server accepted the message, before the record

    monkeypatch.setattr(mail, "record_sent", killed)
    with pytest.raises(KeyboardInterrupt):
        send_due_mail()
    monkeypatch.undo()
    assert len(smtp.messages) == 1

    later = timezone.now() + timedelta(hours=1)
    assert send_due_mail(now=later) == 0
    assert len(smtp.messages) == 1
    with caplog.at_level(logging.WARNING, logger="parcelback.mail"):
        assert report_in_doubt(now=later) == 1
    assert "not sent again" in caplog.text
    assert Notification.objects.get(recipient_id=world.provider1.user_id).mail_error.startswith("in doubt")
    assert report_in_doubt(now=later) == 0  # reported once


def test_an_immediate_email_is_claimed_by_one_worker_only(world, announce, smtp):
    announce(EventKind.PICKUP_REGISTERED)
    fan_out_notifications()
    row = Notification.objects.select_related("recipient", "shop", "provider").get(recipient_id=world.provider1.user_id)
    stale = Notification.objects.select_related("recipient", "shop", "provider").get(pk=row.pk)
    from django.core.mail import get_connection

    with get_connection() as smtp_connection:
        assert mail.send_one(smtp_connection, row, mail.notification_email, timezone.now())
        assert not mail.send_one(smtp_connection, stale, mail.notification_email, timezone.now())  # read before, lost the claim
    assert len(smtp.messages) == 1


# --- The daily digest ------------------------------------------------------------------------------------------

def at_hour(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour, minutes=minute)


def digest_day_notifications(world, announce):
    """merchant1 and viewer1: three orders near their deadline (one reminded twice), two new exceptions."""
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]
    for order in orders:
        announce(EventKind.DEADLINE_NEAR, order, age=timedelta(hours=20))
    announce(EventKind.DEADLINE_NEAR, orders[0], age=timedelta(hours=19))
    for order in orders[:2]:
        announce(EventKind.EXCEPTION_RAISED, order, age=timedelta(hours=18))
    fan_out_notifications()
    return orders


def test_one_digest_per_person_per_day_with_the_counts_and_links(world, announce, smtp, settings):
    settings.PARCELBACK_DIGEST_HOUR = 8
    digest_day_notifications(world, announce)
    today = timezone.localdate()

    assert plan_digests(now=at_hour(today, 7, 59)) == 0  # before the hour: nothing
    assert plan_digests(now=at_hour(today, 8, 1)) == 2
    assert send_due_mail(now=at_hour(today, 8, 2)) == 2
    assert sorted(m["To"] for m in smtp.messages) == sorted([address(world.merchant1), address(world.viewer1)])
    message = smtp.to(address(world.merchant1))[0]
    assert today.isoformat() in message["Subject"] and "5" in message["Subject"]
    text, html = parts(message)
    assert "即将超期提醒：3 单" in text and "上报异常：2 单" in text
    assert "/orders/?status=awaiting_instruction&amp;aging=due_3d" in html
    assert "/orders/?exception_state=pending" in text
    assert Digest.objects.get(recipient_id=world.merchant1.user_id).counts == {"deadline_near": 3, "exception_raised": 2}

    # Later the same day: nothing new is sent; what came after today's run is in tomorrow's digest.
    NotificationSettings.objects.create(user_id=world.merchant1.user_id, email={EventKind.OVERDUE: Email.DIGEST})
    announce(EventKind.OVERDUE, age=timedelta(minutes=5))
    fan_out_notifications()
    assert plan_digests(now=at_hour(today, 23)) == 0
    send_due_mail(now=at_hour(today, 23, 1))
    assert len(smtp.to(address(world.merchant1))) == 1

    tomorrow = today + timedelta(days=1)
    assert plan_digests(now=at_hour(tomorrow, 8, 1)) == 1  # viewer1 kept overdue immediate: nothing waits for them
    send_due_mail(now=at_hour(tomorrow, 8, 2))
    second = smtp.to(address(world.merchant1))[1]
    assert "超期未处理：1 单" in parts(second)[0] and "即将超期提醒" not in parts(second)[0]


def test_nothing_to_digest_sends_nothing(world, announce, smtp):
    NotificationSettings.objects.create(user_id=world.merchant1.user_id, email={EventKind.HANDED_OVER: Email.OFF})
    NotificationSettings.objects.create(user_id=world.viewer1.user_id, email={EventKind.HANDED_OVER: Email.IMMEDIATE})
    announce(EventKind.HANDED_OVER)
    fan_out_notifications()
    assert plan_digests(now=cutoff_of(timezone.localdate()) + timedelta(days=1)) == 0
    send_due_mail(now=timezone.now() + timedelta(days=2))
    assert [m["To"] for m in smtp.messages] == [address(world.viewer1)]  # immediate, by their choice


def test_a_person_without_an_address_is_not_mailed(world, announce, smtp):
    get_user_model().objects.filter(pk=world.provider1.user_id).update(email="")
    announce(EventKind.PICKUP_REGISTERED)
    fan_out_notifications()
    assert send_due_mail() == 0 and smtp.messages == []
    assert Notification.objects.get(recipient_id=world.provider1.user_id).email == Email.OFF


def test_the_digest_takes_a_bounded_number_of_queries(world, announce):
    def planned(people: int, per_person: int) -> int:
        Notification.objects.all().delete()
        Digest.objects.all().delete()
        DigestRun.objects.all().delete()
        for _ in range(people):
            person(world.shop1, "merchant_viewer")
        orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(per_person)]
        for order in orders:
            announce(EventKind.DEADLINE_NEAR, order, age=timedelta(days=2))
        fan_out_notifications()
        with CaptureQueriesContext(connection) as queries:
            made = plan_digests(now=cutoff_of(timezone.localdate()) + timedelta(minutes=1))
        assert made == Membership.objects.filter(organisation=world.shop1).count()  # merchant1, viewer1 and the new
        return len(queries)

    assert planned(2, 2) == planned(6, 5)
