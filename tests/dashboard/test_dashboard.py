"""数据看板: every bar, segment and point opens a list of exactly the orders behind it; the figures themselves
(durations, shares, buckets); who sees what."""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone

from parcelback.dashboard.measures import interpolated
from parcelback.reverse_orders import selectors, services
from parcelback.reverse_orders.models import ExceptionState, OrderException, PickupMethod, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import client_for, registered

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture
def orders(world):
    """shop1's orders in every state the charts count, over two warehouses and months; one of shop2's beside them."""
    now = timezone.now()
    make = ReverseOrderFactory

    def executed(warehouse, took_days, status=Status.FORWARDED, ago=3, method=PickupMethod.FORWARD):
        instructed = now - timedelta(days=ago + took_days)
        return make(shop=world.shop1, warehouse=warehouse, status=status, pickup_method=method,
                    arrived_at=instructed - 2 * DAY, created_at=instructed - 3 * DAY, instructed_at=instructed,
                    executed_at=now - timedelta(days=ago))

    made = [
        make(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=now - timedelta(hours=2)),
        make(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=now + 2 * DAY, reverse_type=ReverseType.INTERCEPT_REJECT),
        make(shop=world.shop1, warehouse=world.wh_a2, instruction_deadline=now + 6 * DAY, reverse_type=ReverseType.CUSTOMS_DESTROY,
             exception_state=ExceptionState.PENDING),
        make(shop=world.shop1, warehouse=world.wh_a2, status=Status.AWAITING_PICKUP, pickup_method=PickupMethod.SELF_PICKUP,
             instructed_at=now - 4 * DAY, created_at=now - 8 * DAY),
        make(shop=world.shop1, warehouse=world.wh_a1, status=Status.AWAITING_DESTRUCTION, reverse_type=ReverseType.CUSTOMS_DESTROY,
             instructed_at=now - 12 * DAY, created_at=now - 20 * DAY),
        executed(world.wh_a1, 1), executed(world.wh_a1, 3), executed(world.wh_a1, 6, ago=40),
        executed(world.wh_a2, 1.5, status=Status.PICKED_UP, method=PickupMethod.SELF_PICKUP),
        make(shop=world.shop1, warehouse=world.wh_b1, status=Status.CANCELLED, created_at=now - 50 * DAY, updated_at=now - 45 * DAY),
        make(shop=world.shop2, warehouse=world.wh_a1, instruction_deadline=now - DAY, exception_state=ExceptionState.PENDING),
    ]
    raise_at = [(made[2], "damaged", 2 * DAY, True), (made[5], "lost", 5 * DAY, False), (made[-1], "damaged", DAY, True)]
    for order, kind, ago, is_open in raise_at:
        OrderException.objects.create(order=order, type=kind, description="…", raised_at=now - ago, is_open=is_open)
    return made


def dashboard(client, actor, **params):
    response = client_for(client, actor).get("/dashboard/", params)
    assert response.status_code == 200, response.content[:500]
    return response


def listed(actor, href: str) -> int:
    """What the list shows as 共 N 条 for a chart's link."""
    url = urlsplit(href)
    assert url.path == "/orders/", href
    params = QueryDict(url.query)
    listing = selectors.list_page(actor=actor, params=params)
    assert listing.filterset.is_valid(), (href, listing.filterset.errors)
    return listing.page.paginator.count


def queued(actor, href: str) -> int:
    url = urlsplit(href)
    assert url.path == "/orders/queue/", href
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    return selectors.work_queue(actor=actor, tab=query["tab"], warehouse=query.get("warehouse", "")).count()


@pytest.mark.parametrize("who", ["merchant1", "viewer1", "provider1"])
@pytest.mark.parametrize("params", [{}, {"days": "30"}, {"days": "365", "warehouse": "tokyo"}])
def test_every_bar_and_tile_opens_a_list_of_exactly_its_orders(world, client, orders, who, params):
    actor = getattr(world, who)
    context = dashboard(client, actor, **params).context
    assert context["charts"], "no charts drawn"
    checked = 0
    for tile in context["tiles"]:
        assert listed(actor, tile.href) == tile.count, tile
    for chart in context["charts"]:
        counts = chart.spec()["counts"]
        for series in chart.series:
            assert len(series.points) == len(chart.categories)
            for point in series.points:
                expected = point.value if counts else point.orders
                if expected is None:
                    continue
                count = queued(actor, point.href) if chart.key == "queue" else listed(actor, point.href)
                assert count == expected, (chart.key, series.name, point)
                checked += 1
    assert checked > 20


def test_the_merchants_figures(world, client, orders):
    charts = {c.key: c for c in dashboard(client, world.merchant1).context["charts"]}
    tiles = {t.label: t.count for t in dashboard(client, world.merchant1).context["tiles"]}
    assert tiles == {"待处理": 3, "3 天内到期": 1, "已超期": 1, "异常待处理": 1, "待仓库提货/转寄": 1, "待仓库销毁": 1}

    aging = charts["aging"]
    by_type = {s.name: [p.value for p in s.points] for s in aging.series}
    assert aging.categories[:4] == ["已超期", "3 天内到期", "4–7 天到期", "8–15 天到期"]
    assert by_type["清关失败-退运"][:2] == [1, 0] and by_type["拦截拒收"][:2] == [0, 1] and by_type["清关失败-销毁"][2] == 1

    # Executed in the last 90 days at Tokyo: 1 and 3 days (the 6-day one 40 days ago too): median 3, p90 5.4.
    execute = charts["time_to_execute"]
    assert execute.categories == ["悉尼集货仓", "东京集货仓"]  # by warehouse code
    median, p90 = ([p.value for p in s.points] for s in execute.series)
    assert median == [1.5, 3.0] and p90 == [1.5, 5.4]
    assert [p.orders for p in execute.series[0].points] == [1, 3]

    exceptions = dict(zip(charts["exceptions"].categories, (p.value for p in charts["exceptions"].series[0].points)))
    assert exceptions["包裹破损"] == 1 and exceptions["包裹丢失"] == 1  # shop2's damaged parcel is not shop1's
    open_now = dict(zip(charts["open_exceptions"].categories, (p.value for p in charts["open_exceptions"].series[0].points)))
    assert open_now == {"1 天内": 0, "2–3 天": 1, "4–7 天": 0, "7 天以上": 0}

    outcomes = {s.name: sum(p.value for p in s.points) for s in charts["outcomes"].series}
    assert outcomes == {"已提货": 1, "已转寄": 3, "已销毁": 0, "已取消": 1}
    assert sum(p.value for p in charts["volume"].series[-1].points) == 6  # instructions given in the period


def test_the_providers_figures(world, client, orders):
    context = dashboard(client, world.provider1).context
    assert context["tiles"] == []
    charts = {c.key: c for c in context["charts"]}
    assert set(charts) == {"queue", "inbound", "waiting", "sla", "exceptions", "open_exceptions"}
    waiting = {s.name: [p.value for p in s.points] for s in charts["waiting"].series}
    assert waiting == {"包裹待提货": [0, 1, 0, 0], "包裹待销毁": [0, 0, 0, 1]}
    sla = {s.name: [p.value for p in s.points] for s in charts["sla"].series}
    # Tokyo executed 1, 3 and 6 days after the instruction; Sydney 1.5.
    assert charts["sla"].categories == ["悉尼集货仓", "东京集货仓"]
    assert sla == {"2 天内完成": [100.0, 33.3], "5 天内完成": [100.0, 66.7]}
    # Provider B's Los Angeles order is not provider A's.
    assert "洛杉矶集货仓" not in str(context["chart_data"])


def test_another_shops_orders_never_appear(world, client, orders):
    ReverseOrderFactory.create_batch(5, shop=world.shop2, warehouse=world.wh_a1, instruction_deadline=timezone.now() - DAY)
    tiles = {t.label: t.count for t in dashboard(client, world.merchant1).context["tiles"]}
    assert tiles["已超期"] == 1
    other = {t.label: t.count for t in dashboard(client, world.merchant2).context["tiles"]}
    assert other["已超期"] == 6 and other["待处理"] == 6


def test_percentiles_interpolate_as_postgresql_does():
    assert interpolated([1.0], 0.9) == 1.0
    assert interpolated([24.0, 72.0, 144.0], 0.5) == 72.0
    assert interpolated([24.0, 72.0, 144.0], 0.9) == pytest.approx(129.6)


def test_instructing_and_executing_stamp_the_order(world):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    registered(world, order, method=PickupMethod.FORWARD)
    order.refresh_from_db()
    assert order.instructed_at is not None and order.executed_at is None
    services.forward(actor=world.provider1, number=order.number, carrier="SF", tracking_number="SF1")
    order.refresh_from_db()
    assert order.executed_at is not None and order.executed_at >= order.instructed_at


def test_landing_pages_and_who_may_look(world, client):
    assert client.get("/dashboard/").status_code == 302  # signed out: to the login page
    for who in ("merchant1", "viewer1", "provider1"):
        assert client_for(client, getattr(world, who)).get("/")["Location"] == "/dashboard/"
    assert client_for(client, world.admin).get("/")["Location"] == "/orders/"


@pytest.mark.parametrize("params", [{"days": "7"}, {"days": "x"}, {"warehouse": "la"}, {"warehouse": "nowhere"}])
def test_a_bad_period_or_another_providers_warehouse_is_a_field_error(world, client, params):
    response = client_for(client, world.provider1).get("/dashboard/", params)
    assert response.status_code == 400
    assert "error-text" in response.content.decode() and "dashboard-data" not in response.content.decode()


def test_a_charts_table_downloads_as_csv(world, client, orders):
    response = client_for(client, world.provider1).get("/dashboard/", {"csv": "sla"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "时效达成率,2 天内完成,5 天内完成,单据数"
    assert lines[1:] == ["悉尼集货仓,100.0,100.0,1", "东京集货仓,33.3,66.7,3"]


def test_the_work_queue_narrows_to_one_warehouse(world, client, orders):
    page = client_for(client, world.provider1).get("/orders/queue/", {"tab": "awaiting_instruction", "warehouse": "sydney"})
    assert page.status_code == 200
    tabs = {tab: n for tab, _label, n in page.context["tabs"]}
    assert tabs["awaiting_instruction"] == 1 and [o.warehouse.code for o in page.context["orders"]] == ["sydney"]


def test_weeks_follow_local_days_across_daylight_saving_changes(world, client, settings):
    """Orders half an hour into the Mondays after Europe's spring and autumn changes, and half an hour before
    those weeks end, belong to those weeks (both databases apply the zone's offsets piece by piece)."""
    settings.TIME_ZONE = "Europe/Berlin"
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    today = timezone.localdate(timezone.now(), berlin)
    mondays = [m for m in (timezone.datetime(today.year, 3, 30, 0, 30, tzinfo=berlin),
                           timezone.datetime(today.year, 10, 26, 0, 30, tzinfo=berlin)) if m.date() < today - timedelta(days=7)]
    for monday in mondays:
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, created_at=monday)
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, created_at=monday + timedelta(days=6, hours=23))
    context = dashboard(client, world.merchant1, days="365").context
    volume = next(c for c in context["charts"] if c.key == "volume")
    returns = volume.series[0]
    for moment in mondays:
        index = volume.categories.index(moment.strftime("%m-%d"))
        assert returns.points[index].value == 2, moment
        assert listed(world.merchant1, returns.points[index].href) == 2
    assert sum(p.value for p in returns.points) == 2 * len(mondays)


def test_time_to_instruct_counts_from_arrival_only_when_the_parcel_came_first(world, client):
    """Instructed before it arrived: measured from creation, and recording the arrival later changes nothing."""
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None,
                                created_at=timezone.now() - timedelta(days=2))
    registered(world, order, method=PickupMethod.FORWARD)

    def median_days():
        chart = next(c for c in dashboard(client, world.merchant1).context["charts"] if c.key == "time_to_instruct")
        return [p.value for p in chart.series[0].points if p.value is not None]

    assert median_days() == [2.0]
    services.record_arrival(actor=world.provider1, numbers=[order.number])
    assert median_days() == [2.0]


def test_the_period_choices_speak_the_persons_language(world, client, settings):
    client_for(client, world.merchant1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/dashboard/").content.decode()
    assert "Last 90 days" in page and "最近 90 天" not in page
