"""Never a 500 (issue 10, finding 6): arbitrary values — NUL, control and format characters, huge numbers, odd
dates, lists where strings go, booleans where integers go — thrown at every list filter (the console list, its
export, the API list) and at the API's write bodies, as a merchant and as a provider. Any answer is fine but a 5xx
(the test client raises what would have been a 500)."""
import json
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcelback.reverse_orders.filters import ReverseOrderFilter
from parcelback.reverse_orders.models import ReverseType

from ..factories import ReverseOrderFactory
from ..helpers import PREFIX, client_for

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

ODD_DATES = [
    "2026-02-30", "2026-13-45", "9999-12-31", "0001-01-01", "0000-00-00", "2026-11-26T25:61:61",
    "2026-11-26T08:00:00+99:00", "2026-11-26T08:00:00Z", "9999-12-31T23:59:59-23:59", "2026-11-26 08:00",
]
ODD = [
    *ODD_DATES, "", " ", "\x00", "RV\x00x", "\u200b", "\ufeff\u200d", "\u202e", "\x1b[31m", "\r\n",
    "'; DROP TABLE x; --", "%", "_", "\\", "1e309", "NaN", "-0", "true", "null", "[]", "{}",
    "x" * 5000, "长" * 300, "🙂" * 50, "=1+1", "RV20261126000001",
]
text = st.one_of(st.sampled_from(ODD), st.text(st.characters(exclude_categories=("Cs",)), max_size=30))
dates = st.one_of(
    st.from_regex(r"\A\d{4}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?\Z"),
    st.dates().map(str), st.datetimes().map(lambda moment: moment.isoformat()), st.sampled_from(ODD_DATES),
)
soon = st.datetimes(datetime(2027, 1, 1), datetime(2099, 1, 1), timezones=st.just(UTC)).map(datetime.isoformat)
numeric = st.one_of(st.integers(), st.integers(min_value=-(2**80), max_value=2**80), st.just(10**400), st.floats())
scalars = st.one_of(st.none(), st.booleans(), numeric, text, dates)
anything = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=6
)

FILTERS = [*ReverseOrderFilter.base_filters, "limit", "cursor", "page", "per_page"]


@pytest.fixture
def fuzz_world(world, settings):
    settings.PARCELBACK_API_RATE = "1000000/min"
    orders = [
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=reverse_type)
        for reverse_type in ReverseType.values
    ]
    return world, [o.number for o in orders]


def query(data) -> dict:
    """Each list filter present or not, one value or several (a repeated parameter); moments mostly dates."""
    value = st.one_of(text, dates, numeric.map(str), st.booleans().map(str))
    params = {}
    for name in [*FILTERS, *data.draw(st.lists(text, max_size=2))]:
        if "\x00" not in name and data.draw(st.booleans()):
            first = dates if name.startswith("time_") else value
            params[name] = data.draw(first | value | st.lists(value, max_size=3))
    return params


@pytest.mark.parametrize("role", ["merchant1", "provider1"])
@FUZZ
@given(data=st.data())
def test_list_filters_never_answer_500(client, api, fuzz_world, role, data):
    world, _numbers = fuzz_world
    actor = getattr(world, role)
    params = query(data)
    console = client_for(client, actor)
    assert console.get("/orders/", params).status_code < 500
    export = console.get(f"/orders/export.{data.draw(st.sampled_from(['csv', 'xlsx']))}", params)
    assert export.status_code < 500
    if export.streaming:
        b"".join(export.streaming_content)  # the rows are read as the stream is: run it to its end
    assert api(actor).get("/reverse-orders", params).status_code < 500


DROP = object()


def mix(valid):
    """Mostly a plausible value; sometimes an odd string, any JSON at all, or nothing (the field left out)."""
    # Hypothesis leans towards small numbers: the plausible value is the small roll.
    return st.integers(0, 19).flatmap(
        lambda roll: valid if roll < 17 else text if roll == 17 else anything if roll == 18 else st.just(DROP)
    )


def shaped(**shape):
    """A JSON object with these fields, each `mix`ed; now and then any JSON instead of an object."""
    body = st.fixed_dictionaries({name: mix(valid) for name, valid in shape.items()}).map(
        lambda fields: {name: value for name, value in fields.items() if value is not DROP}
    )
    return st.integers(0, 9).flatmap(lambda roll: anything if roll == 9 else body)


words = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=20)
phones = st.sampled_from(["13800138000", "+86 138 0013 8000", "0755-12345678"])


def write_bodies(numbers: list[str]) -> dict:
    """Each write endpoint of the API and a strategy of bodies for it."""
    orders = st.lists(st.sampled_from(numbers), min_size=1, max_size=3)
    line = shaped(product_id=words, product_name=words, goods_id=words, goods_name=words,
                  quantity=st.integers(1, 5) | numeric | st.booleans())
    new_order = shaped(
        external_ref=words, shop=st.sampled_from(["shop1", "shop2", "nope"]),
        warehouse=st.sampled_from(["tokyo", "la"]),
        reverse_type=st.sampled_from(ReverseType.values), business_mode=st.sampled_from(["pop", "consignment"]),
        owner=shaped(id=words, name=words), sales_return_no=words, order_no=words, inbound_tracking_number=words,
        reason=words, lines=st.lists(line, min_size=1, max_size=2),
    )
    return {
        "/pickup-registrations": shaped(
            orders=orders, method=st.just("self_pickup"), remark=words,
            self_pickup=shaped(expected_pickup_at=soon | dates, picker_name=words, picker_phone=phones),
        ) | shaped(
            orders=orders, method=st.just("forward"), remark=words,
            forward=shaped(recipient_name=words, recipient_phone=phones, country=words, province=words, city=words,
                           district=words, street=words, postcode=words),
        ),
        "/destruction-confirmations": shaped(orders=orders, confirm=st.booleans() | numeric),
        "/reverse-orders": shaped(orders=st.lists(new_order, min_size=1, max_size=3)),
        "/arrivals": shaped(orders=orders, arrived_at=dates | soon),
        "/reverse-orders/{n}/handover": shaped(pickup_code=st.from_regex(r"\A\d{6}\Z"), handed_to=words),
        "/reverse-orders/{n}/forwarding": shaped(carrier=words, tracking_number=words),
        "/reverse-orders/{n}/cancel": shaped(reason=words),
        "/reverse-orders/{n}/exceptions": shaped(type=st.sampled_from(["damaged", "lost", "other"]), description=words),
        "/reverse-orders/{n}/exceptions/{e}/comments": shaped(body=words),
        "/reverse-orders/{n}/exceptions/{e}/resolve": shaped(note=words),
    }


ENDPOINTS = list(write_bodies(["RV"]))


@pytest.mark.parametrize("role", ["merchant1", "provider1"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(data=st.data())
def test_write_bodies_never_answer_500(api, fuzz_world, role, endpoint, data):
    world, numbers = fuzz_world
    number = data.draw(st.integers(0, 3).flatmap(lambda roll: st.sampled_from(numbers) if roll < 3 else text))
    exception_id = data.draw(st.sampled_from(["1", "2"]) | numeric.map(str))
    path = endpoint.replace("{n}", quote(number, safe="")).replace("{e}", quote(exception_id, safe=""))
    body = data.draw(write_bodies(numbers)[endpoint])
    raw = json.dumps(body) if data.draw(st.integers(0, 9)) < 9 else data.draw(text)  # sometimes not JSON at all
    headers = {}
    if data.draw(st.integers(0, 4)) == 4:  # a stale If-Match stops a write at 412, so only now and then
        headers["If-Match"] = data.draw(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40))
    client = api(getattr(world, role))
    response = client.client.post(PREFIX + path, raw, content_type="application/json", headers=client._headers(headers))
    assert response.status_code < 500, (path, body, response.content[:300])
