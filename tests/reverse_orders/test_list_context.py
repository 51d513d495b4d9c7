"""Keeping the operator's context on the list: back to the same view after an action, "all N matching" batches,
page sizes, pasted numbers matched loosely and the ones not found named, and the 处理截止 sort."""
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from parcelback.core.console import back_query, list_url
from parcelback.core.errors import Code
from parcelback.reverse_orders import selectors
from parcelback.reverse_orders.filters import split_numbers
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import client_for, page_snapshot, self_pickup_post

pytestmark = pytest.mark.django_db

VIEW = "tab=all&status=awaiting_instruction&ordering=deadline&per_page=20&page=1"


def body(html: str) -> str:
    return html.split("<tbody>")[1].split("</tbody>")[0]


# --- back to the same view ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("back", "expected"),
    [
        (VIEW, f"/orders/?{VIEW}"),
        ("?" + VIEW, f"/orders/?{VIEW}"),
        ("", "/orders/"),
        ("//evil.example/x", "/orders/?%2F%2Fevil.example%2Fx="),  # only ever a query on the list
        ("https://evil.example", "/orders/?https%3A%2F%2Fevil.example="),
        ("a=1#frag\r\nLocation: x", "/orders/?a=1%23frag%0D%0ALocation%3A+x"),
        ("x=" + "1" * 5000, "/orders/"),
        ("&".join(["a"] * 1500), "/orders/"),  # more fields than Django parses
    ],
)
def test_back_is_a_query_string_only(back, expected):
    assert list_url("/orders/", back) == expected
    assert "://" not in back_query(back)


def test_list_links_carry_the_view_into_dialogs_and_detail(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/?" + VIEW).content.decode()
    back = urlencode({"back": VIEW}).replace("&", "&amp;")
    assert f"/orders/batch/pickup/?numbers={orders['return'].number}&amp;{back}" in html
    assert f'href="/orders/{orders["return"].number}/?{back}"' in html
    assert f'<input type="hidden" name="back" value="{VIEW.replace("&", "&amp;")}">' in html


def test_detail_page_returns_to_the_list_view(client, world, orders):
    html = client_for(client, world.merchant1).get(f"/orders/{orders['return'].number}/", {"back": VIEW}).content.decode()
    assert f'href="/orders/?{VIEW.replace("&", "&amp;")}"' in html


def test_dialog_keeps_back_in_its_form(client, world, orders):
    html = client_for(client, world.merchant1).get(
        "/orders/batch/pickup/", {"numbers": orders["return"].number, "back": VIEW}, HTTP_X_FRAGMENT="1"
    ).content.decode()
    assert f'<input type="hidden" name="back" value="{VIEW.replace("&", "&amp;")}">' in html


def test_pickup_done_returns_to_the_view_acted_from(client, world, orders):
    client_for(client, world.merchant1)
    response = client.post("/orders/batch/pickup/", self_pickup_post([orders["return"].number], back=VIEW))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert f'href="/orders/?{VIEW.replace("&", "&amp;")}"' in html
    assert ReverseOrder.objects.get(pk=orders["return"].pk).status == Status.AWAITING_PICKUP


def test_confirm_destruction_redirects_to_the_view_acted_from(client, world, orders):
    client_for(client, world.merchant1)
    data = {"numbers": orders["destroy"].number, "confirm": "1", "submit": "1", "back": VIEW}
    response = client.post("/orders/batch/destroy/", data, HTTP_X_FRAGMENT="1")
    assert response.status_code == 204 and response["X-Location"] == f"/orders/?{VIEW}"
    assert ReverseOrder.objects.get(pk=orders["destroy"].pk).status == Status.AWAITING_DESTRUCTION


# --- all N matching, page sizes -----------------------------------------------------------------------------


def test_select_filter_resolves_every_matching_order_server_side(client, world, orders):
    extra = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]
    query = urlencode({"tab": ReverseType.CUSTOMS_RETURN, "per_page": 20, "page": 1})
    html = client_for(client, world.merchant1).get(
        "/orders/batch/pickup/", {"select": "filter", "back": query}, HTTP_X_FRAGMENT="1"
    ).content.decode()
    expected = {orders["return"].number, *(o.number for o in extra)}  # not the other types, not shop2's
    shown = {n for n in ReverseOrder.objects.values_list("number", flat=True) if f'name="numbers" value="{n}"' in html}
    assert shown == expected
    assert "4 条可登记" in html


def test_select_filter_beyond_the_batch_limit_is_refused_and_nothing_written(client, world, orders, settings):
    settings.PARCELBACK_MAX_BATCH = 2
    before = page_snapshot(*orders.values())
    client_for(client, world.merchant1)
    for path in ("/orders/batch/pickup/", "/orders/batch/destroy/"):
        response = client.get(path, {"select": "filter", "back": "tab=all"}, HTTP_X_FRAGMENT="1")
        html = response.content.decode()
        assert response.status_code == 400
        assert f'data-code="{Code.BATCH_TOO_LARGE}"' in html and "符合条件的单据共 3 条,超过单批上限 2 条" in html
    response = client.post("/orders/batch/destroy/", {"select": "filter", "back": "tab=all", "confirm": "1", "submit": "1"})
    assert response.status_code == 400
    assert page_snapshot(*orders.values()) == before


def test_select_filter_respects_visibility(world, orders):
    numbers, total = selectors.numbers_matching(actor=world.merchant2, params={"tab": "all"}, limit=1000)
    assert numbers == [orders["other_shop"].number] and total == 1


def test_list_offers_all_matching_and_every_page_size(client, world, orders):
    html = client_for(client, world.merchant1).get("/orders/", {"per_page": 200}).content.decode()
    assert 'data-total="3"' in html and "选择全部 3 条符合条件的单据" in html
    for size in (20, 50, 100):
        assert f"per_page={size}" in html
    assert '<span class="page current" aria-current="true">200</span>' in html
    assert "每页 200 条" in html


# --- pasted numbers -----------------------------------------------------------------------------------------


def test_split_numbers_takes_full_width_separators():
    assert split_numbers(" RV1\u3000RV2，RV3；\tRV4 ") == ["RV1", "RV2", "RV3", "RV4"]


@pytest.mark.parametrize("number_type", ["number", "sales_return_no", "order_no"])
def test_pasted_numbers_match_case_insensitively(client, world, orders, number_type):
    ReverseOrder.objects.filter(pk=orders["reject"].pk).update(sales_return_no="st-lower-1", order_no="OD-UPPER-1")
    pasted = {
        "number": f" {orders['return'].number.lower()}\u3000{orders['destroy'].number}，",
        "sales_return_no": f"{orders['return'].sales_return_no.lower()} ST-LOWER-1",
        "order_no": f"{orders['return'].order_no} od-upper-1",
    }[number_type]
    html = client_for(client, world.merchant1).get("/orders/", {"number_type": number_type, "numbers": pasted}).content.decode()
    rows = body(html)
    assert orders["return"].number in rows
    assert (orders["destroy"].number in rows) == (number_type == "number")
    assert (orders["reject"].number in rows) == (number_type != "number")
    assert "粘贴的 2 个单号全部找到" in html


def test_list_names_the_pasted_numbers_not_found(client, world, orders):
    pasted = f"{orders['return'].number}, {orders['destroy'].number.lower()} NOPE-1\nnope-2 {orders['other_shop'].number}"
    html = client_for(client, world.merchant1).get("/orders/", {"numbers": pasted}).content.decode()
    assert "粘贴的 5 个单号中找到 2 个;未找到:" in html
    assert f"NOPE-1\nnope-2\n{orders['other_shop'].number}</textarea>" in html  # another shop's is simply not found


def test_pasted_check_counts_against_the_other_filters_too(world, orders):
    params = {"numbers": f"{orders['return'].number} {orders['destroy'].number}", "tab": ReverseType.CUSTOMS_RETURN}
    check = selectors.pasted_check(selectors.order_list(actor=world.merchant1, params=params))
    assert (check.pasted, check.found, check.missing) == (2, 1, [orders["destroy"].number])


# --- 处理截止 sort ---------------------------------------------------------------------------------------------


def test_deadline_sort_puts_orders_awaiting_instruction_first_overdue_first(client, world, orders):
    now = timezone.now()
    ReverseOrder.objects.filter(pk=orders["return"].pk).update(instruction_deadline=now + timedelta(days=5))
    ReverseOrder.objects.filter(pk=orders["reject"].pk).update(instruction_deadline=now - timedelta(days=2))
    ReverseOrder.objects.filter(pk=orders["destroy"].pk).update(
        instruction_deadline=now - timedelta(days=9), status=Status.AWAITING_DESTRUCTION
    )
    client_for(client, world.merchant1)
    rows = body(client.get("/orders/", {"ordering": "deadline"}).content.decode())
    order = sorted(("reject", "return", "destroy"), key=lambda key: rows.index(orders[key].number))
    assert order == ["reject", "return", "destroy"]
    rows = body(client.get("/orders/", {"ordering": "-deadline"}).content.decode())
    order = sorted(("reject", "return", "destroy"), key=lambda key: rows.index(orders[key].number))
    assert order == ["return", "reject", "destroy"]


def test_api_deadline_order_and_cursor_stay_as_they_were(api, world, orders):
    now = timezone.now()
    ReverseOrder.objects.filter(pk=orders["destroy"].pk).update(
        instruction_deadline=now - timedelta(days=9), status=Status.AWAITING_DESTRUCTION
    )
    token = api(world.merchant1)
    first = token.get("/reverse-orders", {"ordering": "deadline", "limit": 2}).json()
    rest = token.get("/reverse-orders", {"ordering": "deadline", "limit": 2, "cursor": first["next_cursor"]}).json()
    numbers = [o["number"] for o in first["results"] + rest["results"]]
    assert numbers[0] == orders["destroy"].number and len(numbers) == 3 and rest["next_cursor"] is None
