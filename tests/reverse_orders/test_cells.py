"""The order tables' cells and the list page's rows, formatted as strings: the same words and links the templates
wrote, every value escaped."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from parcelback.accounts.models import Role
from parcelback.reverse_orders import cells, selectors
from parcelback.reverse_orders.models import ReverseOrder, ReverseType

from ..factories import ReverseOrderFactory

HOSTILE = "<script>alert('x')</script>&\""


@pytest.mark.parametrize(("days", "text"), [(None, ""), (-1, "已超期 1 天"), (0, "今天截止"), (5, "剩 5 天")])
def test_days_in_the_lists_words(days, text):
    assert cells.days_text(days) == text


@pytest.mark.parametrize(
    ("days", "html"),
    [
        (None, '<span class="muted">—</span>'),
        (-2, '<span class="overdue">已超期 2 天</span>'),
        (0, '<span class="due-soon">今天截止</span>'),
        (3, '<span class="days-left due-soon">剩 3 天</span>'),
        (4, '<span class="days-left">剩 4 天</span>'),
    ],
)
def test_deadline_cell_marks_overdue_and_due_soon(days, html):
    assert cells.days_html(days) == html


def rows_of(world, role=Role.MERCHANT_OPERATOR, back_param="back=tab%3Dall"):
    orders = selectors.listed(ReverseOrder.objects.filter(shop=world.shop1).order_by("id"))
    return orders, cells.ListRows(role=role, back_param=back_param, with_checkbox=True)


class Parsed(HTMLParser):
    """A row as parsed HTML: the text of every cell, and the attributes of links and inputs."""

    def __init__(self, html: str):
        super().__init__()
        self.text, self.links, self.inputs = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        (self.links if tag == "a" else self.inputs if tag == "input" else []).append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_text_in_any_column_stays_text(db, world):
    ReverseOrderFactory(
        shop=world.shop1, warehouse=world.wh_a1, sales_return_no=HOSTILE, order_no=HOSTILE,
        goods=[("1" + HOSTILE, HOSTILE), ("2", "乙")],
    )
    (order,), row = rows_of(world)
    html = row(order)
    assert "<script>" not in html
    parsed = Parsed(html)
    assert "".join(parsed.text).count(HOSTILE) >= 3  # both numbers and the goods name read back as typed
    assert any("等 2 种" in text for text in parsed.text)


@pytest.mark.parametrize("number", ["RV20261126000001", "RV 1?#%&中", "a:b@c~d"])
def test_detail_link_is_the_one_reverse_gives(db, world, number):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, number=number)
    (order,), row = rows_of(world)
    detail = f"{reverse('orders:detail', args=[number])}?back=tab%3Dall"
    assert [link["href"] for link in Parsed(row(order)).links][0] == detail
    assert Parsed(row(order)).inputs == [
        {"type": "checkbox", "name": "numbers", "value": number, "form": "batch-form", "aria-label": number}
    ]


def test_row_links_to_the_actions_the_state_table_allows_and_disables_the_rest(db, world):
    destroy = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, instruction_deadline=timezone.now() - timedelta(days=1))
    orders, row = rows_of(world)
    links = [[link["href"] for link in Parsed(row(order)).links] for order in orders]
    assert links[0][2] == f"{reverse('orders:batch_destroy')}?{urlencode({'numbers': destroy.number})}&back=tab%3Dall"
    assert links[1][2].startswith(reverse("orders:batch_pickup"))  # overdue, yet still open to an instruction
    assert [len(found) for found in links] == [3, 3]  # the number, 详情, and the one action
    _, viewer_row = rows_of(world, role=Role.MERCHANT_VIEWER)
    parsed = Parsed(viewer_row(orders[0]))
    assert {link["href"].split("?")[0] for link in parsed.links} == {reverse("orders:detail", args=[destroy.number])}
    assert "disabled" in parsed.inputs[0]
