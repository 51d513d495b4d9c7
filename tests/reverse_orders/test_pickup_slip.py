"""The pickup code screen and the printable pickup slip: the code survives a reload for a few minutes (sealed in
the session, never plain), the slip shows where and when to collect, the picker's masked phone and a QR code."""
import json
import time

import pytest
import segno
from django.contrib.sessions.models import Session

from parcelback.reverse_orders.models import PickupCode
from parcelback.reverse_orders import pickup_code_session
from parcelback.reverse_orders.views import pickup_slip

from ..factories import ReverseOrderFactory
from ..helpers import client_for, self_pickup_post

pytestmark = pytest.mark.django_db

DONE = "/orders/batch/pickup/done/"
SLIP = "/orders/batch/pickup/done/slip/"


@pytest.fixture
def registered_batch(client, world, orders):
    """merchant1 registered two Tokyo orders for self-pickup from the dialog; the code as the done page shows it."""
    wh = world.wh_a1
    wh.address, wh.opening_hours, wh.contact_phone = "東京都江東区新木場 1-2-3", "周一至周五 09:00–18:00", "+81 3 1234 5678"
    wh.save()
    client_for(client, world.merchant1)
    numbers = [orders["return"].number, orders["reject"].number]
    assert client.post("/orders/batch/pickup/", self_pickup_post(numbers))["Location"] == DONE
    code = client.get(DONE).content.decode().split('id="pickup-code" class="mono">')[1].split("<")[0]
    return numbers, code


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("138 0013 8000", "138****8000"), ("+86 139-0000-1234", "861****1234"), ("12345", "*****"), ("", "")],
)
def test_masked_phone_keeps_only_the_ends(phone, masked):
    assert pickup_slip.masked_phone(phone) == masked


def test_slip_shows_orders_goods_warehouse_contact_masked_picker_and_qr(client, world, orders, registered_batch):
    numbers, code = registered_batch
    response = client.get(SLIP)
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert all(n in html for n in numbers)
    for line in orders["return"].lines.all():
        assert line.goods_name in html
    assert "东京集货仓" in html and "東京都江東区新木場 1-2-3" in html
    assert "周一至周五 09:00–18:00" in html and "+81 3 1234 5678" in html
    assert "张三" in html and "138****8000" in html and "138 0013 8000" not in html
    assert f'data-code>{code}</strong>' in html
    svg = html.split('<figure class="slip-qr"')[1].split("</figure>")[0]
    assert "<svg" in svg and "<script" not in svg and "style=" not in svg
    assert segno.make(code, micro=False, error="m").svg_inline(scale=5, border=2, svgclass="qr", lineclass=None, title="提货码二维码") in svg
    assert "<script" not in html.split("</head>")[1]  # no inline script (CSP)
    assert "data-print" in html


def test_code_survives_a_reload_for_a_few_minutes_then_is_gone(client, registered_batch, monkeypatch):
    numbers, code = registered_batch
    assert code in client.get(DONE).content.decode() and code in client.get(SLIP).content.decode()
    assert code not in json.dumps([s.get_decoded() for s in Session.objects.all()])  # sealed, never plain
    monkeypatch.setattr(pickup_code_session, "clock", lambda: time.time() + pickup_code_session.KEEP_SECONDS + 1)
    assert client.get(SLIP)["Location"] == "/orders/"
    assert client.get(DONE)["Location"] == "/orders/"


def test_another_user_sees_no_code(client, world, registered_batch):
    client.logout()
    client_for(client, world.merchant1)  # a new session of the same user: nothing kept there
    assert client.get(SLIP)["Location"] == "/orders/"


def test_done_page_has_copy_button_and_slip_link(client, registered_batch):
    html = client.get(DONE).content.decode()
    numbers, code = registered_batch
    assert f'data-copy="{code}"' in html and f'href="{SLIP}"' in html


def test_forwarding_has_no_slip(client, world, orders):
    client_for(client, world.merchant1)
    data = {
        "numbers": [orders["return"].number], "method": "forward", "recipient_name": "李四", "recipient_phone": "13900001234",
        "country": "中国", "province": "浙江省", "city": "杭州市", "street": "文一西路 969 号", "postcode": "311121", "submit": "1",
    }
    client.post("/orders/batch/pickup/", data)
    assert "打印提货单" not in client.get(DONE).content.decode()
    assert client.get(SLIP)["Location"] == DONE


def test_split_batch_slip_has_one_sheet_per_warehouse(client, world):
    numbers = [ReverseOrderFactory(shop=world.shop1, warehouse=wh).number for wh in (world.wh_a1, world.wh_a2)]
    client_for(client, world.merchant1)
    client.post("/orders/batch/pickup/", self_pickup_post(numbers) | {"split_by_warehouse": "1"})
    html = client.get(SLIP).content.decode()
    assert html.count('class="card pickup-slip"') == 2 and "第 1 / 2 张" in html
    assert html.count("<svg") == 2 and PickupCode.objects.count() == 2


def test_reissued_code_has_its_slip(client, world, registered_batch):
    numbers, code = registered_batch
    response = client.post(f"/orders/{numbers[0]}/pickup-code/", {"confirm": "1"})
    new = client.get(response["Location"]).content.decode()
    slip_url = f"/orders/{numbers[0]}/pickup-code/new/slip/"
    assert f'href="{slip_url}"' in new
    new_code = new.split('id="pickup-code" class="mono">')[1].split("<")[0]
    assert new_code != code and f"data-code>{new_code}</strong>" in client.get(slip_url).content.decode()
