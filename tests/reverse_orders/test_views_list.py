"""The list page over the Django test client: tabs, filters, sorting, row actions, paging, export, query counts."""
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders.models import ReverseOrder

from ..factories import ReverseOrderFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_list_shows_own_orders_with_tabs_counts_and_escaped_text(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/").content.decode()
    assert orders["return"].number in html and orders["other_shop"].number not in html
    assert "全部<span class=\"count\">(3)</span>" in html
    assert "销毁<span class=\"count\">(1)</span>" in html
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_list_filters_by_pasted_numbers_and_keeps_them_in_the_url(client, world, orders):
    numbers = f"{orders['return'].number}\n{orders['destroy'].number}, NOPE"
    html = client_for(client, world.merchant1).get("/orders/", {"number_type": "number", "numbers": numbers}).content.decode()
    assert orders["return"].number in html and orders["destroy"].number in html
    assert orders["reject"].number not in html
    assert "全部<span class=\"count\">(2)</span>" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tab": "customs_destroy"}, ["destroy"]),
        ({"tab": "customs_destroy", "reverse_type": "customs_return"}, ["destroy"]),  # type filter: 全部 tab only
        ({"reverse_type": "intercept_reject"}, ["reject"]),
        ({"reverse_type": "bogus"}, ["return", "destroy", "reject"]),
        ({"reverse_type": "customs_failure"}, ["return", "destroy"]),
        ({"goods": "70099"}, ["reject"]),
        ({"goods": "script"}, ["reject"]),
        ({"status": "awaiting_pickup"}, []),
        ({"exception_state": "none", "warehouse": "tokyo"}, ["return", "destroy", "reject"]),
    ],
)
def test_list_filters(client, world, orders, params, expected):
    html = client_for(client, world.merchant1).get("/orders/", params).content.decode()
    shown = sorted(key for key in ("return", "destroy", "reject") if orders[key].number in html.split("<tbody>")[1])
    assert shown == sorted(expected)
    assert f"共 {len(expected)} 条" in html


def test_list_rejects_a_bad_date_with_a_message(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/", {"time_from": "yesterday"}).content.decode()
    assert "Enter a date like" not in html  # translated
    assert "请输入日期" in html


def test_list_sorts_by_deadline_and_shows_overdue(client, world, orders):
    ReverseOrder.objects.filter(pk=orders["reject"].pk).update(instruction_deadline=timezone.now() - timedelta(days=3))
    html = client_for(client, world.merchant1).get("/orders/", {"ordering": "deadline"}).content.decode()
    assert html.index(orders["reject"].number) < html.index(orders["return"].number)
    assert "已超期 3 天" in html


def test_row_actions_are_the_legal_ones(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/").content.decode()
    assert f"/orders/batch/pickup/?numbers={orders['return'].number}" in html
    assert f"/orders/batch/destroy/?numbers={orders['destroy'].number}" in html
    assert f"/orders/batch/pickup/?numbers={orders['destroy'].number}" not in html


def test_viewer_sees_the_list_without_any_action(client, world, orders):
    html = client_for(client, world.viewer1).get("/orders/").content.decode()
    assert orders["return"].number in html
    assert "批量登记提货" not in html and "batch/pickup" not in html and "batch/destroy" not in html
    assert 'name="numbers"' not in html.split("<tbody>")[1]


def test_list_paginates(client, world):
    for _ in range(23):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    html = client_for(client, world.merchant1).get("/orders/", {"per_page": "20", "page": "2"}).content.decode()
    assert html.count('name="numbers" value=') == 3
    assert "共 23 条 · 每页 20 条" in html


def test_list_query_count_is_pinned(client, world, django_assert_num_queries):
    for _ in range(30):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, goods=[("1", "甲"), ("2", "乙")])
    client_for(client, world.merchant1)
    # session, user, membership+organisation, tab counts (also the page count), page rows, their lines, warehouses,
    # the person's saved views (none here: no count query)
    with django_assert_num_queries(9):
        assert client.get("/orders/").status_code == 200


def test_list_filter_takes_300_pasted_numbers(client, world):
    """What people paste from a spreadsheet: one number a line, through the GET form (gunicorn allows the long URL)."""
    from .test_query_counts import bulk_orders

    numbers = bulk_orders(world, 300, prefix="RV")
    pasted = "\r\n".join(numbers)
    response = client_for(client, world.merchant1).get(
        "/orders/", {"tab": "all", "number_type": "number", "numbers": pasted, "per_page": "100"}
    )
    assert response.status_code == 200
    assert len(response.wsgi_request.get_full_path()) > 4094  # gunicorn's default limit
    html = response.content.decode()
    assert "共 300 条" in html and html.count('class="mono" href="/orders/RV') == 100
    assert numbers[0] in html and pasted in html  # the textarea keeps what was pasted


# --- export -------------------------------------------------------------------------------------------


def test_export_csv_streams_the_filtered_list(client, world, orders):
    response = client_for(client, world.merchant1).get("/orders/export.csv", {"tab": "customs_destroy"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert rows[0].startswith("逆向管理单号,销退单号,订单号")
    assert len(rows) == 2 and rows[1].startswith(orders["destroy"].number)


def test_export_xlsx_is_a_workbook_of_the_filtered_list(client, world, orders):
    from openpyxl import load_workbook

    response = client_for(client, world.merchant1).get("/orders/export.xlsx")
    assert response.streaming
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][0] == "逆向管理单号"
    assert sorted(r[0] for r in rows[1:]) == sorted(orders[k].number for k in ("return", "destroy", "reject"))


def test_export_of_an_unknown_format_is_not_found(client, world):
    assert client_for(client, world.merchant1).get("/orders/export.pdf").status_code == 404


def test_export_neutralises_formulas(client, world):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, goods=[("1", "=HYPERLINK(\"x\")")])
    text = b"".join(client_for(client, world.merchant1).get("/orders/export.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text

