"""Input that used to crash (issue 10, finding 6) gets a field error or a stable code, and nothing is written;
what can still crash is logged with its traceback."""
import io
import json
import logging
import threading

import pytest
from django.db import connection
from django.test import Client

from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank
from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import ReverseOrder

from ..helpers import assert_error, client_for, nothing_written

pytestmark = pytest.mark.django_db

BAD_DATES = [
    "2026-02-30", "2026-13-45", "9999-12-31", "0001-01-01", "2026-02-30T08:00:00", "2026-13-45 08:00",
    "9999-12-31T23:59:59", "0001-01-01T00:00:00", "1999-12-31", "2101-01-01", "2026-11-26T08:00:00+99:00",
]


@pytest.mark.parametrize("name", ["time_from", "time_to"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_impossible_or_out_of_range_dates_are_a_field_error_everywhere(client, api, world, orders, name, value):
    page = client_for(client, world.merchant1).get("/orders/", {name: value})
    assert page.status_code == 200
    assert page.context["form"].errors[name]
    export = client.get("/orders/export.csv", {name: value})
    assert export.status_code == 302 and export["Location"].startswith("/orders/?")  # the list says what is wrong
    listed = api(world.merchant1).get("/reverse-orders", {name: value})
    assert_error(listed, 400, Code.INVALID, field=name)
    assert set(listed.json()["errors"]) == {name}


@pytest.mark.parametrize("value", ["2000-01-01", "2100-12-31", "2026-11-26T08:00:00+08:00"])
def test_dates_inside_the_range_still_filter(api, world, orders, value):
    assert api(world.merchant1).get("/reverse-orders", {"time_to": value}).status_code == 200


ROUTES = [
    ("get", ""), ("post", "arrival/"), ("post", "handover/"), ("post", "forward/"), ("post", "destroy/"),
    ("post", "cancel/"), ("post", "exceptions/"), ("post", "exceptions/1/comment/"),
    ("post", "exceptions/1/resolve/"), ("get", "evidence/1/"), ("post", "pickup-code/"), ("get", "pickup-code/new/"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_a_nul_in_an_order_number_is_not_found_on_every_console_route(client, world, orders, method, route):
    signed_in = client_for(client, world.provider1)
    with nothing_written():
        assert getattr(signed_in, method)(f"/orders/RV%00x/{route}").status_code == 404


def test_a_nul_in_the_scan_box_or_pasted_numbers_is_no_crash(client, world, orders):
    provider = client_for(Client(), world.provider1)
    assert provider.get("/orders/queue/", {"q": "RV\x00x"}).status_code == 200
    merchant = client_for(client, world.merchant1)
    assert merchant.get("/orders/", {"numbers": "RV\x00x"}).status_code == 200
    with nothing_written():
        response = merchant.post("/orders/batch/pickup/", {"numbers": f"{orders['return'].number}\x00x"})
        assert response.status_code < 500
        assert merchant.post("/orders/batch/destroy/", {"numbers": "RV\x00x"}).status_code < 500


def test_a_nul_in_an_api_path_is_a_field_error(api, world, orders):
    assert_error(api(world.merchant1).get("/reverse-orders/RV%00"), 400, Code.INVALID)


def new_order(ref="EXT-1", **overrides):
    order = {
        "external_ref": ref, "shop": "shop1", "warehouse": "tokyo", "reverse_type": "customs_return",
        "business_mode": "pop", "owner": {"id": "OWN-1", "name": "花王"},
        "lines": [{"product_id": "P1", "product_name": "眼罩", "goods_id": "G1", "goods_name": "眼罩", "quantity": 1}],
    }
    return order | overrides


@pytest.mark.parametrize("quantity", [True, False, 1.0, "1", None])
def test_quantity_must_be_a_json_integer(api, world, quantity):
    body = new_order(lines=[{**new_order()["lines"][0], "quantity": quantity}])
    response = api(world.provider1).post("/reverse-orders", {"orders": [body]})
    assert_error(response, 400, Code.INVALID, field="orders[0].lines[0].quantity")
    assert not ReverseOrder.objects.exists()


@pytest.mark.parametrize("blank", ["\u200b\u200b", "\u200b \ufeff", "\u200c\u200d", "\u2060", "\u00a0\u3000", "\x01"])
def test_invisible_text_is_blank_for_required_fields(api, world, blank):
    assert is_blank(blank)
    for body in (new_order(external_ref=blank), new_order(owner={"id": "OWN-1", "name": blank})):
        response = api(world.provider1).post("/reverse-orders", {"orders": [body]})
        assert response.status_code == 400 and set(response.json()["errors"].values()) == {"required"}
    item = services.NewOrder(
        external_ref=blank, shop="shop1", warehouse="tokyo", reverse_type="customs_return", business_mode="pop",
        owner_id="OWN-1", owner_name="花王", lines=[services.NewLine("P1", "眼罩", "G1", "眼罩", 1)],
    )
    with pytest.raises(Refused) as refused:
        services.create_orders(actor=world.provider1, orders=[item])
    assert refused.value.errors == {"orders[0].external_ref": "required"}
    assert not ReverseOrder.objects.exists()


def test_text_with_a_visible_character_is_not_blank():
    assert not is_blank("\u200bA\u200b") and not is_blank(" 花王 ")


def test_a_body_over_the_upload_limit_answers_the_api_error_shape(api, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"orders": ["RV1"], "confirm": True, "padding": "x" * 2000}
    response = api(world.merchant1).post("/destruction-confirmations", body)
    assert_error(response, 413, "body_too_large")
    # With an Idempotency-Key the body is read before the API sees it: still the API's shape, nothing kept.
    response = api(world.merchant1).post("/destruction-confirmations", body, headers={"Idempotency-Key": "big-1"})
    assert_error(response, 413, "body_too_large")


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_creates_of_one_external_ref_all_answer_the_one_order(world):
    start, results, lock = threading.Barrier(20), [], threading.Lock()
    item = services.NewOrder(
        external_ref="RACE-1", shop="shop1", warehouse="tokyo", reverse_type="customs_return", business_mode="pop",
        owner_id="OWN-1", owner_name="花王", lines=[services.NewLine("P1", "眼罩", "G1", "眼罩", 1)],
    )

    def create():
        start.wait()
        try:
            created = services.create_orders(actor=world.provider1, orders=[item])[0]
            outcome = (created.order.number, created.created)
        except Exception as error:  # noqa: BLE001 — the test reports what went wrong instead of a hung thread
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=create) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    number = ReverseOrder.objects.get(external_ref="RACE-1").number
    assert sorted(results, key=str) == sorted([(number, True)] + [(number, False)] * 19, key=str)


def test_an_unhandled_error_is_logged_with_its_traceback(world, monkeypatch):
    """django.request reaches stderr (the console handler) whatever DEBUG says, so no 500 goes unseen."""
    handlers = [h for h in logging.getLogger("django.request").handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "django.request has no stream handler"
    stream = io.StringIO()
    monkeypatch.setattr(handlers[0], "stream", stream)

    def boom(**kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("parcelback.reverse_orders.selectors.list_page", boom)
    response = client_for(Client(raise_request_exception=False), world.merchant1).get("/orders/?secret=1")
    assert response.status_code == 500
    logged = stream.getvalue()
    assert "Internal Server Error: /orders/" in logged and "Traceback" in logged and "RuntimeError: kaboom" in logged


def test_good_numbers_and_dates_still_pass(client, api, world, orders):
    """The path converter and the date bounds let ordinary numbers and dates through."""
    number = orders["return"].number
    assert client_for(client, world.merchant1).get(f"/orders/{number}/").status_code == 200
    assert api(world.merchant1).get(f"/reverse-orders/{number}").status_code == 200
    listed = api(world.merchant1).get("/reverse-orders", {"time_from": "2000-01-01"})
    assert len(json.loads(listed.content)["results"]) == 3
