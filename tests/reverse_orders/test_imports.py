"""批量导入 reads the files warehouses really have: Excel, CSV in UTF-8 or GBK, Chinese headers; and it reports
every problem of a file in one pass, nothing imported until the file is clean."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from parcelback.reverse_orders.models import Event, ReverseOrder

from ..helpers import client_for

pytestmark = pytest.mark.django_db

CHINESE_HEAD = ["外部单号", "店铺代码", "仓库代码", "逆向类型", "经营方式", "货主ID", "货主名称", "商品ID", "商品名称", "货品ID", "货品名称", "数量"]
ROW = ["A1", "shop1", "tokyo", "清关失败-退运", "代销", "O1", "货主一", "P1", "商品一", "G1", "货品一", "2"]


def csv_bytes(rows, encoding):
    return "\n".join(",".join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append([int(v) if v.isdigit() and len(v) < 3 else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, world, name, content):
    return client_for(client, world.provider1).post("/orders/import/", {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("orders.xlsx", xlsx_bytes([CHINESE_HEAD, ROW])),
        ("orders.csv", csv_bytes([CHINESE_HEAD, ROW], "gb18030")),
        ("orders.csv", csv_bytes([CHINESE_HEAD, ROW], "utf-8")),
        ("orders.csv", b"\xef\xbb\xbf" + csv_bytes([CHINESE_HEAD, ROW], "utf-8")),
    ],
    ids=["xlsx", "gbk-csv", "utf8-csv", "utf8-bom-csv"],
)
def test_imports_excel_and_csv_in_every_encoding_with_chinese_headers(client, world, name, content):
    response = post(client, world, name, content)
    assert response.status_code == 302
    order = ReverseOrder.objects.get(external_ref="A1")
    assert (order.reverse_type, order.lines.get().quantity, order.lines.get().goods_name) == ("customs_return", 2, "货品一")
    assert order.number in response["Location"]  # lands on the list of exactly the orders created


def test_reports_every_problem_of_the_file_at_once_and_imports_nothing(client, world):
    rows = [
        CHINESE_HEAD,
        ROW,
        ["A2", "nope", "tokyo", "清关失败-退运", "代销", "O1", "货主一", "P1", "商品一", "G1", "货品一", "1"],
        ["A3", "shop1", "la", "退货", "代销", "O1", "货主一", "P1", "商品一", "G1", "货品一", "1"],
        ["A4", "shop1", "tokyo", "清关失败-退运", "代销", "O1", "货主一", "P1", "商品一", "G1", "货品一", "x"],
        ["A5", "shop1", "tokyo", "清关失败-退运", "代销", "", "货主一", "P1", "商品一", "G1", "货品一", "1"],
    ]
    response = post(client, world, "orders.csv", csv_bytes(rows, "utf-8"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 3 行" in html and "未知店铺" in html
    assert "第 4 行" in html and "未知仓库" in html and "可选:清关失败-退运、清关失败-销毁、拦截拒收、仓拦截成功" in html
    assert "第 5 行" in html and "数量须为正整数" in html
    assert "第 6 行" in html and "货主ID" in html
    assert ReverseOrder.objects.count() == 0 and Event.objects.count() == 0


def test_a_file_in_neither_encoding_nor_excel_is_one_clear_problem(client, world):
    html = post(client, world, "orders.csv", b"\xff\xfe\x00\x81\x81bad").content.decode()
    assert "无法识别文件编码" in html and ReverseOrder.objects.count() == 0


def test_missing_columns_are_named_in_chinese(client, world):
    html = post(client, world, "orders.csv", csv_bytes([CHINESE_HEAD[:5], ROW[:5]], "utf-8")).content.decode()
    assert "缺少列" in html and "货主ID" in html and "商品名称" in html
