"""Each person's notification settings: the page, what it stores, and what the fan-out then does with it."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.contrib.auth import get_user_model

from parcelback.core.errors import Code
from parcelback.notifications import services
from parcelback.notifications.jobs import fan_out_notifications
from parcelback.notifications.models import Email, Notification, NotificationSettings
from parcelback.notifications.rules import PROVIDER_HEARS, SHOP_HEARS, default_email
from parcelback.reverse_orders.models import EventKind

from ..helpers import client_for, refused_with

pytestmark = pytest.mark.django_db
URL = "/notifications/settings/"


def test_the_defaults_mail_at_once_what_needs_action_today():
    immediate = {
        role: {kind for kind in heard if default_email(role, kind) == Email.IMMEDIATE}
        for role, heard in (("merchant_operator", SHOP_HEARS), ("merchant_viewer", SHOP_HEARS), ("provider_operator", PROVIDER_HEARS))
    }
    assert immediate == {
        "merchant_operator": {EventKind.OVERDUE, EventKind.HANDOVER_LOCKED},
        "merchant_viewer": {EventKind.OVERDUE, EventKind.HANDOVER_LOCKED},
        "provider_operator": {
            EventKind.PICKUP_REGISTERED, EventKind.DESTRUCTION_CONFIRMED, EventKind.EXCEPTION_RAISED,
            EventKind.EXECUTION_DISPUTED,
        },
    }


@pytest.mark.parametrize("who, heard", [("merchant1", SHOP_HEARS), ("viewer1", SHOP_HEARS), ("provider1", PROVIDER_HEARS)])
def test_the_page_lists_the_kinds_the_person_hears_of_with_their_defaults(world, client, who, heard):
    html = client_for(client, getattr(world, who)).get(URL).content.decode()
    for kind in EventKind.values:
        assert (f'name="email_{kind}"' in html) == (kind in heard)
    assert f"{who}@example.com" in html


def test_admin_has_no_settings_and_anonymous_is_sent_to_log_in(world, client):
    assert client_for(client, world.admin).get(URL).status_code == 404
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_saving_changes_what_the_person_is_mailed(world, client, announce):
    form = {f"email_{kind}": default_email("merchant_viewer", kind) for kind in SHOP_HEARS}
    form |= {"language": "en", f"email_{EventKind.OVERDUE}": Email.OFF, f"email_{EventKind.CANCELLED}": Email.IMMEDIATE}
    response = client_for(client, world.viewer1).post(URL, form)
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user_id=world.viewer1.user_id)
    assert saved.language == "en"
    assert saved.email == {EventKind.OVERDUE: Email.OFF, EventKind.CANCELLED: Email.IMMEDIATE}  # only the changes

    announce(EventKind.OVERDUE)
    announce(EventKind.CANCELLED)
    fan_out_notifications()
    mine = dict(Notification.objects.filter(recipient_id=world.viewer1.user_id).values_list("kind", "email"))
    assert mine == {EventKind.OVERDUE: Email.OFF, EventKind.CANCELLED: Email.IMMEDIATE}
    theirs = dict(Notification.objects.filter(recipient_id=world.merchant1.user_id).values_list("kind", "email"))
    assert theirs == {EventKind.OVERDUE: Email.IMMEDIATE, EventKind.CANCELLED: Email.DIGEST}  # defaults


def test_a_bad_choice_is_a_field_error_and_nothing_is_saved(world, client):
    response = client_for(client, world.merchant1).post(URL, {"language": "xx", f"email_{EventKind.OVERDUE}": "sometimes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="alert"') >= 2
    assert not NotificationSettings.objects.exists()


def test_the_service_refuses_kinds_the_role_does_not_hear(world):
    with refused_with(Code.INVALID):
        services.save_settings(actor=world.merchant1, language="zh-hans", email={EventKind.PICKUP_REGISTERED: Email.OFF})
    with refused_with(Code.NOT_PERMITTED):
        services.save_settings(actor=world.admin, language="zh-hans", email={})


def test_the_email_command_sets_shows_and_tests_an_address(world, capsys, mailoutbox):
    call_command("email", "set", "merchant1", "ops@shop1.example")
    assert get_user_model().objects.get(username="merchant1").email == "ops@shop1.example"
    call_command("email", "show", "merchant1")
    call_command("email", "test", "merchant1")
    assert "ops@shop1.example" in capsys.readouterr().out
    assert [m.to for m in mailoutbox] == [["ops@shop1.example"]]
    with pytest.raises(CommandError, match="not an email address"):
        call_command("email", "set", "merchant1", "not-an-address")
    with pytest.raises(CommandError, match="No user"):
        call_command("email", "show", "nobody")
    call_command("email", "set", "merchant1", "")
    with pytest.raises(CommandError, match="no address"):
        call_command("email", "test", "merchant1")
