from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from parcelback.reverse_orders import selectors
from parcelback.reverse_orders.models import ExceptionState, OrderException, ReverseType, Status
from parcelback.reverse_orders.schemas import OrderOut, OrderPage

from ..factories import CargoOwnerFactory, ReverseOrderFactory
from ..helpers import assert_error


def numbers(response):
    assert response.status_code == 200, response.content
    return [o["number"] for o in response.json()["results"]]


@pytest.fixture
def orders(world):
    now = timezone.now()
    return [
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN,
                            created_at=now - timedelta(hours=5), instruction_deadline=now + timedelta(days=3),
                            goods=[("70001", "日本花王 蒸汽眼罩")]),
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a2, reverse_type=ReverseType.CUSTOMS_DESTROY,
                            created_at=now - timedelta(hours=4), instruction_deadline=now + timedelta(days=1),
                            owner=CargoOwnerFactory(external_id="OWN-9", name="资生堂"), business_mode="consignment",
                            goods=[("70002", "澳洲 Swisse 钙片")]),
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_b1, reverse_type=ReverseType.INTERCEPT_REJECT,
                            created_at=now - timedelta(hours=3), instruction_deadline=now + timedelta(days=9),
                            exception_state=ExceptionState.PENDING, arrived_at=None, goods=[("70003", "韩国 洗发水")]),
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.WAREHOUSE_INTERCEPT,
                            created_at=now - timedelta(hours=2), instruction_deadline=now + timedelta(days=5),
                            status=Status.AWAITING_PICKUP, pickup_method="forward", goods=[("70004", "德国 维C")]),
        ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1, created_at=now - timedelta(hours=1)),
    ]


def test_merchant_lists_only_its_shop_newest_first(api, world, orders):
    assert numbers(api(world.merchant1).get("/reverse-orders")) == [o.number for o in reversed(orders[:4])]


def test_provider_lists_orders_in_its_warehouses_across_shops(api, world, orders):
    assert numbers(api(world.provider2).get("/reverse-orders")) == [orders[2].number]
    assert set(numbers(api(world.provider1).get("/reverse-orders"))) == {orders[i].number for i in (0, 1, 3, 4)}


FILTERS = [
    {"tab": "customs_destroy"},
    {"reverse_type": "customs_failure"},
    {"status": "awaiting_pickup"},
    {"number_type": "sales_return_no", "numbers": "ST_PLACEHOLDER"},
    {"product": "P70001"},
    {"goods": "蒸汽"},
    {"warehouse": "sydney"},
    {"time_field": "created", "time_from": "2000-01-01", "time_to": "2100-01-01"},
    {"time_field": "updated", "time_to": "2000-01-01"},
    {"pickup_method": "forward"},
    {"exception_state": "pending"},
    {"owner": "OWN-9"},
    {"owner": "资生"},
    {"business_mode": "consignment"},
    {"ordering": "deadline"},
    {"ordering": "-updated"},
]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_every_list_filter_answers_as_the_console_filterset(api, world, orders, params):
    if params.get("numbers") == "ST_PLACEHOLDER":
        params = params | {"numbers": f"{orders[0].sales_return_no}, {orders[2].sales_return_no}"}
    query = QueryDict(mutable=True)
    query.update(params)
    expected = [o.number for o in selectors.order_list(actor=world.merchant1, params=query).qs]
    got = numbers(api(world.merchant1).get("/reverse-orders", params))
    assert got == expected
    assert len(got) < 4 or "ordering" in params or "time_from" in params  # the filter does filter


def test_filters_combine(api, world, orders):
    got = numbers(api(world.merchant1).get("/reverse-orders", {"warehouse": "tokyo", "status": "awaiting_instruction"}))
    assert got == [orders[0].number]


@pytest.mark.parametrize(
    "params, field",
    [({"status": "lost"}, "status"), ({"time_from": "yesterday"}, "time_from"), ({"limit": "0"}, "limit"),
     ({"ordering": "price"}, "ordering"), ({"cursor": "garbage"}, "cursor")],
)
def test_refuses_bad_filter_values_with_the_field(api, world, orders, params, field):
    assert_error(api(world.merchant1).get("/reverse-orders", params), 400, "invalid", field=field)


@pytest.mark.parametrize("ordering", ["-created", "created", "deadline", "-deadline", "updated"])
def test_cursor_pages_through_every_order_once(api, world, orders, ordering):
    client = api(world.merchant1)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, "ordering": ordering} | ({"cursor": cursor} if cursor else {})
        body = client.get("/reverse-orders", params).json()
        seen += [o["number"] for o in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    expected = [o.number for o in selectors.order_list(actor=world.merchant1, params=QueryDict(f"ordering={ordering}")).qs]
    assert seen == expected and len(seen) == 4 and pages == 2


def test_cursor_from_another_ordering_is_refused(api, world, orders):
    client = api(world.merchant1)
    cursor = client.get("/reverse-orders", {"limit": 1}).json()["next_cursor"]
    assert_error(client.get("/reverse-orders", {"cursor": cursor, "ordering": "deadline"}), 400, "invalid", field="cursor")


def test_list_query_count_does_not_grow_with_orders(api, world, django_assert_num_queries):
    client = api(world.merchant1)
    client.get("/reverse-orders")  # warm-up: the token lookup is the same on every call
    for count in (1, 30):
        for _ in range(count):
            ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, goods=[("1", "a"), ("2", "b")])
        # the rate counter (core.limits, one statement) + orders + their lines; the token's actor is remembered
        # from the warm-up (accounts.tokens)
        with django_assert_num_queries(3):
            assert len(client.get("/reverse-orders", {"limit": 50}).json()["results"]) >= count


def test_list_answers_each_order_as_the_schema_and_the_detail_write_it(api, world, orders):
    # The list is rendered without ninja's validation against OrderPage: it must still conform to it and
    # write every field (times included) exactly as the validated detail does.
    client = api(world.merchant1)
    response = client.get("/reverse-orders")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    page = response.json()
    OrderPage.model_validate(page)  # raises if the page does not conform
    assert page["next_cursor"] is None
    assert [set(item) for item in page["results"]] == [set(OrderOut.model_fields)] * 4
    for item in page["results"]:
        detail = client.get(f"/reverse-orders/{item['number']}").json()
        assert item == {name: detail[name] for name in OrderOut.model_fields}


def test_available_actions_follow_the_callers_role(api, world, orders):
    def actions(actor):
        return api(actor).get(f"/reverse-orders/{orders[0].number}").json()["available_actions"]

    assert actions(world.merchant1) == ["register_pickup", "raise_exception"]
    assert actions(world.viewer1) == []
    assert actions(world.provider1) == ["cancel", "raise_exception"]


def test_detail_has_everything_and_an_etag(api, world, orders):
    order = orders[2]
    exception = OrderException.objects.create(order=order, type="damaged", description="外箱破损")
    response = api(world.merchant1).get(f"/reverse-orders/{order.number}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number and body["shop"] == {"code": "shop1", "name": "示例店铺一"}
    assert body["warehouse"] == {"code": "la", "name": "洛杉矶集货仓"}
    assert body["lines"][0]["quantity"] == 2
    assert body["registration"] is None and body["execution"] is None and body["timeline"] == []
    assert body["exceptions"][0]["id"] == exception.pk and body["exceptions"][0]["is_open"] is True
    assert body["available_actions"] == ["register_pickup", "comment_exception", "resolve_exception"]
    etag = response["ETag"]
    assert etag.startswith('"')
    again = api(world.merchant1).get(f"/reverse-orders/{order.number}", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_detail_of_another_shops_order_is_not_found(api, world, orders):
    assert_error(api(world.merchant2).get(f"/reverse-orders/{orders[0].number}"), 404, "not_found")
    assert_error(api(world.merchant1).get("/reverse-orders/RV-NOPE"), 404, "not_found")
