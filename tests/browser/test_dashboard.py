"""数据看板 in a real browser: every chart draws (ECharts from node_modules, no console errors under the CSP), a click
on a bar lands on a list whose total is the bar's value, the viewer sees it, another shop's numbers never appear."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import ExceptionState, OrderException, Status

from ..factories import ReverseOrderFactory
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orders(world):
    now = timezone.now()
    made = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=now - timedelta(hours=1))
            for _ in range(2)]
    made += [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2, exception_state=ExceptionState.PENDING)
             for _ in range(3)]
    made.append(ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, status=Status.FORWARDED, pickup_method="forward",
                                    instructed_at=now - timedelta(days=3), executed_at=now - timedelta(days=1)))
    for order in made[2:5]:
        OrderException.objects.create(order=order, type="damaged", description="外箱破损", raised_at=now - timedelta(days=2))
    # shop2's: 7 overdue orders, which merchant1 must never count
    ReverseOrderFactory.create_batch(7, shop=world.shop2, warehouse=world.wh_a1, instruction_deadline=now - timedelta(days=1))
    return made


def open_dashboard(open_as, who: str, width: int = 1440):
    page = open_as(who, width=width, start="/orders/")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.locator("nav.sidebar a:has-text('数据看板')").click()
    page.wait_for_selector("[data-chart][data-drawn]")
    return page, errors


def drawn(page) -> int:
    return page.evaluate("""() => [...document.querySelectorAll('[data-chart]')]
        .filter(box => box.dataset.drawn && box.querySelector('svg path')).length""")


def click_bar(page, chart: str, series: int, index: int) -> int:
    """Click the middle of one bar (through ECharts' own coordinates) and answer the value it showed."""
    box = page.locator(f'[data-chart="{chart}"]')
    box.scroll_into_view_if_needed()
    value, x, y = page.evaluate(
        """([key, series, index]) => {
            const box = document.querySelector(`[data-chart="${key}"]`);
            const chart = echarts.getInstanceByDom(box);
            const value = chart.getOption().series[series].data[index].value;
            const [x, y] = chart.convertToPixel({seriesIndex: series}, [index, value / 2]);
            const rect = box.getBoundingClientRect();
            return [value, rect.left + x, rect.top + y];
        }""",
        [chart, series, index],
    )
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/orders/\?"))
    return value


def listed_total(page) -> int:
    return int(re.search(r"共 (\d+) 条", page.locator(".pager-row, .pager").first.inner_text()).group(1))


@pytest.mark.parametrize("who", ["merchant1", "provider1"])
def test_every_chart_draws_without_console_errors(world, open_as, orders, who):
    page, errors = open_dashboard(open_as, who)
    charts = page.locator("[data-chart]").count()
    assert charts >= 6 and drawn(page) == charts
    assert errors == []
    assert violations(page) == []


def test_a_click_on_a_bar_opens_a_list_of_exactly_its_orders(world, open_as, orders):
    page, errors = open_dashboard(open_as, "merchant1")
    tiles = {label: int(count) for count, label in
             (t.inner_text().split("\n") for t in page.locator(".tile").all())}
    assert tiles["已超期"] == 2 and tiles["异常待处理"] == 3  # shop2's seven overdue orders are not here
    value = click_bar(page, "open_exceptions", 0, 1)  # open 2–3 days
    assert value == 3 and listed_total(page) == 3 and "exception_age=3d" in page.url

    page.go_back()
    page.wait_for_selector("[data-chart][data-drawn]")
    value = click_bar(page, "aging", 0, 0)  # overdue, 清关失败-退运
    assert value == 2 and listed_total(page) == 2
    assert errors == []


def test_the_viewer_sees_the_dashboard_at_phone_width(world, open_as, orders):
    page, errors = open_dashboard(open_as, "viewer1", width=375)
    assert drawn(page) == page.locator("[data-chart]").count()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("details.chart-table").first.locator("summary").click()
    assert page.locator("details.chart-table table").first.is_visible()
    assert errors == []
