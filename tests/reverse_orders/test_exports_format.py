"""The Excel export is a real spreadsheet (bold frozen header, widths, date cells in the user's zone, identifiers
as text) and both formats carry what operators reconcile with: goods by ID, registration, execution, the latest
exception, and 处理截止 in the list's words."""
import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parcelback.reverse_orders import exports, services
from parcelback.reverse_orders.models import OrderException, ReverseOrder, ReverseType

from ..factories import ReverseOrderFactory
from ..helpers import client_for, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(world):
    handed = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN,
                                 order_no="6930112345678", goods=[("6930100000001", "蒸汽眼罩")])
    code = registered(world, handed)
    services.hand_over(actor=world.provider1, number=handed.number, pickup_code=code, handed_to="张三")
    overdue = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    ReverseOrder.objects.filter(pk=overdue.pk).update(instruction_deadline=timezone.now() - timedelta(days=3))
    services.raise_exception(actor=world.provider1, number=overdue.number, type=OrderException.Type.DAMAGED, description="外箱破损,内件受潮")
    return handed, overdue


def by_number(table):
    head = table[0]
    return {row[0]: dict(zip(head, row)) for row in table[1:]}


def test_xlsx_is_formatted(client, world, exported):
    handed, _overdue = exported
    response = client_for(client, world.merchant1).get("/orders/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["A1"].value == "逆向管理单号"
    assert sheet.column_dimensions["A"].width == 22
    table = [[c for c in row] for row in sheet.iter_rows()]
    header = [c.value for c in table[0]]
    row = {header[i]: c for i, c in enumerate(table[1 + [r[0].value for r in table[1:]].index(handed.number)])}
    assert row["订单号"].value == "6930112345678" and row["订单号"].data_type == "s" and row["订单号"].number_format == "@"
    created = row["创建时间"].value
    assert created.tzinfo is None and row["创建时间"].is_date
    assert created == timezone.localtime(ReverseOrder.objects.get(pk=handed.pk).created_at).replace(tzinfo=None, microsecond=created.microsecond)
    assert row["交付给"].value == "张三" and row["提货人/收货人"].value == "张三"
    assert row["货品ID"].value == "6930100000001" and row["总件数"].value == 2


def test_csv_carries_registration_execution_exception_and_days(client, world, exported):
    handed, overdue = exported
    response = client_for(client, world.merchant1).get("/orders/export.csv")
    rows = by_number(list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))))
    assert rows[handed.number]["提货方式"] == "自提" and rows[handed.number]["联系电话"] == "13800138000"
    assert rows[handed.number]["货品"] == "蒸汽眼罩(6930100000001) ×2"
    assert rows[overdue.number]["剩余天数"] == "已超期 3 天"
    assert rows[overdue.number]["最新异常类型"] == "包裹破损"
    assert rows[overdue.number]["最新异常描述"] == "外箱破损,内件受潮"
    assert rows[overdue.number]["异常情况"] == "异常待处理"
