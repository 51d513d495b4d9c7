"""The console: the template for the list's current view, the upload and its plan, submission, the record and
its result file; a bad file gets one clear message and writes nothing."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from parcelback.instruction_imports.models import InstructionImport
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..helpers import client_for
from .helpers import csv_file, fill, forward, self_pickup

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(world):
    make = ReverseOrderFactory
    return {
        "t1": make(shop=world.shop1, warehouse=world.wh_a1, number="RV1"),
        "t2": make(shop=world.shop1, warehouse=world.wh_a1, number="RV2", reverse_type=ReverseType.INTERCEPT_REJECT),
        "s1": make(shop=world.shop1, warehouse=world.wh_a2, number="RV3"),
        "d1": make(shop=world.shop1, warehouse=world.wh_a1, number="0004", reverse_type=ReverseType.CUSTOMS_DESTROY),
        "done": make(shop=world.shop1, warehouse=world.wh_a1, number="RV5", status=Status.AWAITING_PICKUP),
        "other": make(shop=world.shop2, warehouse=world.wh_a1, number="RV6"),
    }


def template(client, world, query=""):
    response = client_for(client, world.merchant1).get(f"/orders/instructions/template.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def upload(client, name, content):
    return client.post("/orders/instructions/imports/", {"file": SimpleUploadedFile(name, content)})


def test_template_lists_the_views_orders_awaiting_instruction(client, world, orders):
    book = load_workbook(io.BytesIO(template(client, world)))
    sheet = book.worksheets[0]
    assert book.sheetnames == ["指令", "说明"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["逆向管理单号", "逆向类型", "仓库", "货品", "处理方式"] and header[-1] == "备注"
    numbers = sorted(row[0].value for row in sheet.iter_rows(min_row=2))
    assert numbers == ["0004", "RV1", "RV2", "RV3"]  # not the registered one, not another shop's
    leading_zero = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == "0004")
    assert leading_zero.data_type == "s" and leading_zero.number_format == "@"
    assert leading_zero.protection.locked and not sheet.cell(row=2, column=5).protection.locked
    assert sheet.protection.sheet
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists[0].formula1 == '"自提,转寄,销毁"' and str(lists[0].sqref) == "E2:E5"


def test_template_follows_the_lists_filter(client, world, orders):
    sheet = load_workbook(io.BytesIO(template(client, world, "?tab=customs_destroy"))).worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["0004"]


@pytest.mark.parametrize("who", ["viewer1", "provider1"])
def test_only_merchant_operators_get_the_template_and_the_upload(client, world, orders, who):
    client_for(client, getattr(world, who))
    assert client.get("/orders/instructions/template.xlsx").status_code == 403
    assert client.get("/orders/instructions/imports/").status_code == 403


def test_filled_template_uploads_into_a_plan_and_submits_the_valid_groups(client, world, orders):
    filled = fill(template(client, world), {
        "RV1": self_pickup(), "RV2": self_pickup(), "RV3": self_pickup(), "0004": {"method": "销毁"},
    })
    response = upload(client, "指令.xlsx", filled)
    record = InstructionImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/instructions/{record.pk}/"
    assert sorted(sorted(g["orders"]) for g in record.groups) == [["0004"], ["RV1", "RV2"], ["RV3"]]
    plan = client.get(f"/orders/instructions/{record.pk}/")
    assert plan.status_code == 200 and "全部提交" in plan.content.decode()
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_INSTRUCTION  # nothing yet
    response = client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "all"})
    assert response.status_code == 302
    result = client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert result.count("data-pickup-code") == 2  # one code per self-pickup group, shown on this page
    slip = client.get("/orders/batch/pickup/done/slip/").content.decode()  # and on the printable pickup slip
    assert "/orders/batch/pickup/done/slip/" in result and slip.count('class="qr"') == 2
    assert {o.number: o.status for o in ReverseOrder.objects.filter(shop=world.shop1)} == {
        "RV1": Status.AWAITING_PICKUP, "RV2": Status.AWAITING_PICKUP, "RV3": Status.AWAITING_PICKUP,
        "0004": Status.AWAITING_DESTRUCTION, "RV5": Status.AWAITING_PICKUP,
    }
    sheet = load_workbook(io.BytesIO(client.get(f"/orders/instructions/{record.pk}/result.xlsx").content)).worksheets[0]
    assert sheet.cell(row=1, column=18).value == "处理结果"
    outcomes = {row[0].value: row[17].value.split("(")[0] for row in sheet.iter_rows(min_row=2)}
    assert outcomes == {"RV1": "已登记提货", "RV2": "已登记提货", "RV3": "已登记提货", "0004": "已确认销毁"}
    listing = client.get("/orders/instructions/imports/").content.decode()
    assert "指令.xlsx" in listing and "已提交" in listing


def test_refused_rows_are_shown_with_their_reason_and_only_valid_groups_submit(client, world, orders):
    client_for(client, world.merchant1)
    content = csv_file([{"number": "RV1", **self_pickup()}, {"number": "RV6", **forward()}, {"number": "RV2", **self_pickup(picker_phone="1")}])
    upload(client, "指令.csv", content)
    record = InstructionImport.objects.get()
    page = client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert 'data-line="3"' in page and "逆向管理单号:" in page  # RV6 is another shop's: not found
    assert "联系方式:请填写有效的电话号码" in page
    assert "仅提交有效分组" in page and "全部提交" not in page
    client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "valid"})
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_PICKUP
    assert ReverseOrder.objects.get(number="RV2").status == Status.AWAITING_INSTRUCTION


def test_nul_and_formula_text_neither_crash_nor_run(client, world, orders):
    client_for(client, world.merchant1)
    upload(client, "指令.csv", csv_file([{"number": "RV1\x00", **self_pickup(picker_name="=HYPERLINK(\"x\")\x00")}]))
    record = InstructionImport.objects.get()
    assert record.groups[0]["orders"] == ["RV1"]
    sheet = load_workbook(io.BytesIO(client.get(f"/orders/instructions/{record.pk}/result.xlsx").content)).worksheets[0]
    assert sheet.cell(row=2, column=7).value == "'=HYPERLINK(\"x\")"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_reads_csv_in_utf8_and_gb18030(client, world, orders, encoding):
    client_for(client, world.merchant1)
    upload(client, "指令.csv", csv_file([{"number": "RV1", **forward()}], encoding))
    assert InstructionImport.objects.get().groups[0]["orders"] == ["RV1"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"PK\x03\x04 not really", "无法读取这个 Excel 文件"),
        ("a.csv", b"\xff\xfe\x00garbage\x81", "无法识别文件编码"),
        ("a.csv", b'"' + b"x" * 200_000 + b'"', "无法读取"),
        ("a.csv", "外部单号,店铺代码\nA1,shop1\n".encode(), "未找到指令表头"),
        ("a.csv", "逆向管理单号,处理方式\n".encode(), "文件中没有需要处理的行"),
        ("a.csv", ("逆向管理单号,处理方式\n" + "RV1,自提\n" * 10_001).encode(), "行数过多"),
    ],
)
def test_a_bad_file_gets_one_message_and_writes_nothing(client, world, orders, name, content, message):
    client_for(client, world.merchant1)
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert InstructionImport.objects.count() == 0


def test_another_shops_import_is_404(client, world, orders):
    client_for(client, world.merchant1)
    upload(client, "指令.csv", csv_file([{"number": "RV1", **forward()}]))
    record = InstructionImport.objects.get()
    client_for(client, world.merchant2)
    assert client.get(f"/orders/instructions/{record.pk}/").status_code == 404
    assert client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "valid"}).status_code == 404
    assert client.get(f"/orders/instructions/{record.pk}/result.xlsx").status_code == 404
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_INSTRUCTION


def test_a_likely_typo_against_the_address_book_is_confirmed_before_submitting(client, world, orders):
    from parcelback.contacts.services import ContactDetails, save_contact

    save_contact(actor=world.merchant1, details=ContactDetails(kind="picker", name="张三", phone="13800138000"))
    filled = fill(template(client, world), {"RV1": self_pickup(picker_phone="13800138009"), "RV2": self_pickup()})
    upload(client, "指令.xlsx", filled)
    record = InstructionImport.objects.get()
    plan = client.get(f"/orders/instructions/{record.pk}/").content.decode()
    assert "可能填错的联系方式" in plan and "只差一位数字" in plan and 'name="confirm_typos"' in plan
    response = client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "all"}, follow=True)
    assert "请先核对" in response.content.decode()
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_INSTRUCTION  # nothing written
    client.post(f"/orders/instructions/{record.pk}/submit/", {"scope": "all", "confirm_typos": "1"})
    assert ReverseOrder.objects.get(number="RV1").status == Status.AWAITING_PICKUP
