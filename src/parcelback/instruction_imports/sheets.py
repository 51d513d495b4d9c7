"""The instruction template and the files that come back: writing the template (XLSX with drop-downs and a 说明
sheet), reading an upload (XLSX, or CSV in UTF-8 or GB18030, through reverse_orders' import reader) into rows, and
writing the result file (the same sheet with an outcome column). No rules here: whether a row is acceptable is the
services' answer."""
import csv
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

# The export's guard against text read as a formula, and its content type.
from parcelback.reverse_orders.exports import XLSX_TYPE, _safe
from parcelback.reverse_orders.imports import XLSX_MAGIC, Unreadable, _csv_rows, _xlsx_rows
from parcelback.reverse_orders.models import PickupMethod

# Up to 1,000 rows (PARCELBACK_INSTRUCTION_IMPORT_INLINE_ROWS) are checked at once; more by the worker.
MAX_ROWS = 10_000
MAX_MB = 20  # 10,000 filled rows of the template take about 1 MB as XLSX; room for whatever else a sheet carries
DESTROY = "destroy"
# 处理方式: the two pickup methods and destruction, as the sheet's drop-down offers them.
# Labels are msgids: a header or a choice is accepted in Chinese whatever the language, beside its translation.
METHODS = {str(PickupMethod.SELF_PICKUP): gettext_noop("自提"), str(PickupMethod.FORWARD): gettext_noop("转寄"), DESTROY: gettext_noop("销毁")}


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # a msgid
    width: int
    read_only: bool = False
    kind: str = "text"  # "text" cells keep what was typed (phones, postcodes, numbers); "date" a date-time


COLUMNS = [
    Column("number", gettext_noop("逆向管理单号"), 22, True),
    Column("reverse_type", gettext_noop("逆向类型"), 14, True),
    Column("warehouse", gettext_noop("仓库"), 14, True),
    Column("goods", gettext_noop("货品"), 36, True),
    Column("method", gettext_noop("处理方式"), 10),
    Column("expected_pickup_at", gettext_noop("预计提货时间"), 18, kind="date"),
    Column("picker_name", gettext_noop("提货人"), 12),
    Column("picker_phone", gettext_noop("联系方式"), 16),
    Column("recipient_name", gettext_noop("收货人"), 12),
    Column("recipient_phone", gettext_noop("收货人电话"), 16),
    Column("country", gettext_noop("国家/地区"), 12),
    Column("province", gettext_noop("省/州"), 12),
    Column("city", gettext_noop("城市"), 12),
    Column("district", gettext_noop("区/县"), 12),
    Column("street", gettext_noop("详细地址"), 30),
    Column("postcode", gettext_noop("邮编"), 10),
    Column("remark", gettext_noop("备注"), 24),
]
KEYS = [c.key for c in COLUMNS]
OUTCOME_LABEL = gettext_lazy("处理结果")
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def label(key: str) -> str:
    return next((_(c.label) for c in COLUMNS if c.key == key), key)


def method_key(text: str) -> str:
    """处理方式 as typed (label in either language, or the API's value) → its key; unknown text is kept as is."""
    text = text.strip()
    for key, name in METHODS.items():
        if text in (key, name, _(name)):
            return key
    return text


def filename(prefix: str) -> str:
    return f"{prefix}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"


# --- writing ------------------------------------------------------------------------------------------------


def _sheet_with_header(workbook, extra: list[str] = ()):
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.active
    sheet.title = _("指令")
    grey = PatternFill("solid", fgColor="E7E6E6")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=_(column.label))
        cell.font = Font(bold=True)
        if column.read_only:
            cell.fill = grey
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for offset, name in enumerate(extra, start=len(COLUMNS) + 1):
        sheet.cell(row=1, column=offset, value=name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(offset)].width = 40
    sheet.freeze_panes = "B2"
    return sheet, grey


def _text(value) -> str:
    """Text as a cell may hold it: never run as a formula, without the characters XML cannot carry."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", _safe(str(value or "")))


def _write_row(sheet, row_index: int, values: dict, grey) -> None:
    """Identifiers and what people type (phones, postcodes) as text cells, so Excel never turns them into numbers;
    the read-only columns grey and locked, the columns to fill open."""
    from openpyxl.styles import Protection

    for index, column in enumerate(COLUMNS, start=1):
        value = values.get(column.key, "")
        cell = sheet.cell(row=row_index, column=index, value=_text(value) or None)
        if column.kind == "date":
            cell.number_format = DATE_FORMAT
        else:
            cell.number_format = "@"
            if cell.value is not None:
                cell.data_type = "s"
        if column.read_only:
            cell.fill = grey
        else:
            cell.protection = Protection(locked=False)


def _notes_sheet(workbook) -> None:
    notes = workbook.create_sheet(_("说明"))
    notes.column_dimensions["A"].width = 100
    lines = [
        _("填写说明"),
        _("灰色列(逆向管理单号、逆向类型、仓库、货品)为只读,请勿修改;请在“处理方式”列选择 自提、转寄 或 销毁,不处理的行留空。"),
        _("自提:填写 预计提货时间(晚于当前时间,格式 2026-12-01 14:00)、提货人、联系方式;同一仓库中提货信息完全相同的行合并为一次登记,共用一个提货码。"),
        _("转寄:填写 收货人、收货人电话、国家/地区、省/州、城市、详细地址、邮编(区/县 可选);收货信息完全相同的行合并为一次登记。"),
        _("销毁:仅 清关失败-销毁 单可选,提交即确认销毁,不可撤销。"),
        _("备注可选,最多 300 字。登记提交后不可修改。"),
        _("上传后系统先逐行检查并给出处理计划,确认后才会提交;每一组全部成功或全部不提交。"),
        _("最多 %(rows)s 行,文件不超过 %(mb)s MB;也可另存为 CSV(UTF-8 或 GBK 编码)上传,第一行须为列名。") % {"rows": MAX_ROWS, "mb": MAX_MB},
    ]
    for index, line in enumerate(lines, start=1):
        notes.cell(row=index, column=1, value=line)


def template_file(rows: list[dict], target) -> None:
    """The instruction template: one row per order awaiting an instruction, 处理方式 as a drop-down."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet, grey = _sheet_with_header(workbook)
    for row_index, values in enumerate(rows, start=2):
        _write_row(sheet, row_index, values, grey)
    last = max(len(rows) + 1, 2)
    method_column = KEYS.index("method") + 1
    choices = ",".join(_(name) for name in METHODS.values())
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True)
    validation.error = _("请从列表中选择:%(choices)s") % {"choices": choices}
    validation.errorTitle = _("处理方式")
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(method_column)
    validation.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(validation)
    date_letter = get_column_letter(KEYS.index("expected_pickup_at") + 1)
    moment = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True)
    moment.error = _("请填写日期时间,如 2026-12-01 14:00")
    moment.add(f"{date_letter}2:{date_letter}{last}")
    sheet.add_data_validation(moment)
    # Locked cells (the grey columns) cannot be typed over; columns may still be widened, rows filtered and sorted.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.autoFilter = sheet.protection.sort = False
    _notes_sheet(workbook)
    workbook.save(target)


def result_file(rows: list[dict], outcomes: list[str], target) -> None:
    """The sheet as uploaded, with each row's outcome in an extra column."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet, grey = _sheet_with_header(workbook, [str(OUTCOME_LABEL)])
    for row_index, (row, outcome) in enumerate(zip(rows, outcomes), start=2):
        _write_row(sheet, row_index, row["values"], grey)
        sheet.cell(row=row_index, column=len(COLUMNS) + 1, value=_text(outcome))
    _notes_sheet(workbook)
    workbook.save(target)


def to_bytes(write, *args) -> bytes:
    buffer = io.BytesIO()
    write(*args, buffer)
    return buffer.getvalue()


# --- reading ------------------------------------------------------------------------------------------------


def _column_key(header: str) -> str | None:
    header = header.strip().lstrip("\ufeff")
    for column in COLUMNS:
        if header in (column.key, column.label, _(column.label)):
            return column.key
    return None


def read(upload) -> list[dict]:
    """The upload's rows as {"line", "values": {column: text}}, blank rows left out. A file that cannot be read as
    a whole (not a spreadsheet, wrong sheet, no header, too many rows) raises `Unreadable` with its one message."""
    if upload.size > MAX_MB * 1024 * 1024:
        raise Unreadable(_("文件过大(最多 %(mb)s MB)") % {"mb": MAX_MB})
    try:
        # reverse_orders' reader, but with this file's own size limit (its read_rows stops at 5 MB).
        data = upload.read()
        xlsx = data.startswith(XLSX_MAGIC) or (upload.name or "").lower().endswith(".xlsx")
        rows = _xlsx_rows(data) if xlsx else _csv_rows(data)
    except csv.Error as error:  # a CSV the csv module refuses (a field beyond its limit, a stray quote)
        raise Unreadable(_("无法读取这个 CSV 文件,请检查后重试,或上传 Excel 文件")) from error
    header = [_column_key(h) for h in rows[0]] if rows else []
    if "number" not in header or "method" not in header:
        raise Unreadable(
            _("未找到指令表头:第一个工作表的第一行须包含“逆向管理单号”和“处理方式”列(请使用导出的指令模板)")
        )
    result = []
    for line, cells in enumerate(rows[1:], start=2):
        # NUL is never text (no database stores it): dropped, as the API's patterns refuse it.
        values = {key: text.replace("\x00", "").strip() for key, text in zip(header, cells) if key and text is not None}
        if not any(values.values()):
            continue
        result.append({"line": line, "values": {key: values.get(key, "") for key in KEYS}})
        if len(result) > MAX_ROWS:
            raise Unreadable(_("行数过多:每个文件最多 %(rows)s 行,请拆分后分别上传") % {"rows": MAX_ROWS})
    if not result:
        raise Unreadable(_("文件中没有需要处理的行"))
    return result


__all__ = ["COLUMNS", "MAX_MB", "MAX_ROWS", "METHODS", "XLSX_TYPE", "Unreadable", "read", "result_file", "template_file"]
