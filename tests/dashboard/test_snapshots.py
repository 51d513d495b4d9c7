"""The dashboard's kept figures: served while fresh, counted again when old or asked (立即刷新), refreshed by the worker
for the views looked at, never shared between organisations."""
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelback.dashboard import snapshots

from ..factories import ReverseOrderFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_five_minutes(settings):
    settings.PARCELBACK_DASHBOARD_FRESH_SECONDS = 300


def overdue(client, actor) -> int:
    tiles = client_for(client, actor).get("/dashboard/").context["tiles"]
    return next(t.count for t in tiles if t.label == "已超期")


def late_order(world, shop=None):
    return ReverseOrderFactory(shop=shop or world.shop1, warehouse=world.wh_a1, instruction_deadline=timezone.now() - timedelta(days=1))


def test_a_fresh_snapshot_is_served_and_refresh_counts_again(world, client):
    late_order(world)
    assert overdue(client, world.merchant1) == 1
    late_order(world)
    with CaptureQueriesContext(connection) as queries:
        assert overdue(client, world.merchant1) == 1
    assert not [q["sql"] for q in queries if "reverse_orders_reverseorder" in q["sql"]]  # nothing counted
    page = client.get("/dashboard/").content.decode()
    assert "数据截至" in page and "每 5 分钟更新" in page and "refresh=1" in page
    response = client.get("/dashboard/", {"days": 90, "refresh": 1})
    assert response.status_code == 302 and "refresh" not in response["Location"]
    assert overdue(client, world.merchant1) == 2


def test_an_old_snapshot_is_counted_again(world, client, settings):
    late_order(world)
    assert overdue(client, world.merchant1) == 1
    late_order(world)
    settings.PARCELBACK_DASHBOARD_FRESH_SECONDS = 0
    assert overdue(client, world.merchant1) == 2


def test_the_worker_refreshes_the_views_looked_at(world, client, settings):
    late_order(world)
    assert overdue(client, world.merchant1) == 1
    assert snapshots.refresh_snapshots() == 0  # still fresh
    late_order(world)
    settings.PARCELBACK_DASHBOARD_FRESH_SECONDS = 1
    key = next(iter(cache.get(snapshots.VIEWED)))
    kept = cache.get(key)
    kept.as_of -= timedelta(seconds=2)
    cache.set(key, kept)
    assert snapshots.refresh_snapshots() == 1
    settings.PARCELBACK_DASHBOARD_FRESH_SECONDS = 300
    assert overdue(client, world.merchant1) == 2  # from the worker's snapshot, not counted by the page


def test_organisations_and_languages_never_share_a_snapshot(world, client):
    late_order(world)
    late_order(world, shop=world.shop2)
    late_order(world, shop=world.shop2)
    assert overdue(client, world.merchant1) == 1
    assert overdue(client, world.merchant2) == 2
    assert overdue(client, world.viewer1) == 1  # the same shop's figures
    client_for(client, world.merchant1)
    chinese = client.get("/dashboard/").context["charts"][0].title
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/dashboard/").context["charts"][0].title
    assert (chinese, english) == ("待指令单据的处理时限", "Orders awaiting instruction by deadline")
