"""Arrival of a scanned or pasted list at the counter: a number scanned twice arrives once (and the page says so),
unknown and already-arrived numbers are listed with their reason, and the rest arrives. The API stays all or
nothing."""
import pytest

from parcelback.core.errors import Code
from parcelback.reverse_orders.models import Event, EventKind, ReverseType
from parcelback.reverse_orders.services.intake import record_arrival_scan

from ..factories import ReverseOrderFactory
from ..helpers import api_snapshot, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcels(world):
    make = lambda: ReverseOrderFactory(
        shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN, arrived_at=None
    )
    return {"a": make(), "b": make(), "arrived": ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)}


def test_scan_records_the_known_and_reports_the_rest(world, parcels):
    a, b, arrived = parcels["a"], parcels["b"], parcels["arrived"]
    scan = record_arrival_scan(actor=world.provider1, numbers=[a.number, "RV-NOPE", a.number, arrived.number, b.number])
    assert [o.number for o in scan.recorded] == [a.number, b.number]
    assert scan.repeated == {a.number: 2}
    assert scan.refused == [("RV-NOPE", Code.NOT_FOUND), (arrived.number, Code.ALREADY_ARRIVED)]
    assert Event.objects.filter(kind=EventKind.ARRIVED, order__in=[a, b]).count() == 2
    a.refresh_from_db()
    assert a.arrived_at is not None


def test_scan_of_another_providers_order_reports_it_as_not_found(world, parcels):
    other = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_b1, arrived_at=None)
    scan = record_arrival_scan(actor=world.provider1, numbers=[other.number])
    assert scan.recorded == [] and scan.refused == [(other.number, Code.NOT_FOUND)]
    other.refresh_from_db()
    assert other.arrived_at is None


def test_queue_page_records_the_rest_and_lists_each_problem(world, parcels, client):
    a, b, arrived = parcels["a"], parcels["b"], parcels["arrived"]
    client_for(client, world.provider1)
    pasted = f"{a.number}\n{a.number}, RV-NOPE\n{arrived.number} {b.number}"
    response = client.post("/orders/queue/?tab=not_arrived", {"numbers": pasted}, follow=True)
    page = response.content.decode()
    assert "已登记到仓 2 条" in page
    assert "重复扫描 1 个,已按 1 次计" in page
    assert f"{a.number}</span> — 重复扫描 2 次,已按 1 次计" in page
    assert "RV-NOPE</span> — 未找到该单号" in page
    assert f"{arrived.number}</span> — 已到仓,未重复登记" in page
    assert Event.objects.filter(kind=EventKind.ARRIVED).count() == 2
    # The report is shown once.
    assert "RV-NOPE" not in client.get("/orders/queue/").content.decode()


def test_queue_page_with_nothing_to_record_says_so(world, parcels, client):
    client_for(client, world.provider1)
    response = client.post("/orders/queue/", {"numbers": "RV-NOPE"}, follow=True)
    page = response.content.decode()
    assert "没有可登记到仓的单据" in page and "RV-NOPE</span> — 未找到该单号" in page
    assert not Event.objects.filter(kind=EventKind.ARRIVED).exists()


def test_api_arrivals_stay_all_or_nothing(world, parcels, api):
    a = parcels["a"]
    before = api_snapshot(a.number)
    response = api(world.provider1).post("/arrivals", {"orders": [a.number, "RV-NOPE"]})
    assert response.status_code == 404 or response.status_code == 409
    assert api_snapshot(a.number) == before
