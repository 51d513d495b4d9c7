"""批量导入: orders from the spreadsheet a warehouse already has. XLSX, or CSV in UTF-8 (with or without BOM) or
GB18030/GBK (what Excel writes on Chinese Windows); column headers as keys or their Chinese labels; rows that
share an external_ref are one order's goods lines. Every problem of the file is reported in one pass, by line."""
import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcelback.core.errors import problem_text

from .models import BusinessMode, ReverseType
from .services import NewLine, NewOrder

# Column key → its label, in the template's order.
COLUMNS = {
    "external_ref": gettext_lazy("外部单号"),
    "shop": gettext_lazy("店铺代码"),
    "warehouse": gettext_lazy("仓库代码"),
    "reverse_type": gettext_lazy("逆向类型"),
    "business_mode": gettext_lazy("经营方式"),
    "owner_id": gettext_lazy("货主ID"),
    "owner_name": gettext_lazy("货主名称"),
    "sales_return_no": gettext_lazy("销退单号"),
    "order_no": gettext_lazy("订单号"),
    "inbound_tracking_number": gettext_lazy("退回运单号"),
    "reason": gettext_lazy("原因"),
    "product_id": gettext_lazy("商品ID"),
    "product_name": gettext_lazy("商品名称"),
    "goods_id": gettext_lazy("货品ID"),
    "goods_name": gettext_lazy("货品名称"),
    "quantity": gettext_lazy("数量"),
}
REQUIRED = ["external_ref", "shop", "warehouse", "reverse_type", "business_mode", "owner_id", "owner_name",
            "product_id", "product_name", "goods_id", "goods_name"]
# Other headers people write for the same column (the Chinese labels in either language are added at lookup).
ALIASES = {"店铺": "shop", "仓库": "warehouse", "数量(件)": "quantity", "外部单号/参考号": "external_ref"}
CHOICES = {"reverse_type": ReverseType.choices, "business_mode": BusinessMode.choices}
MAX_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class Unreadable(Exception):
    """The file as a whole cannot be read: its one problem, already translated."""


def _cell(value) -> str:
    """A spreadsheet cell as the text a person typed: 12.0 → "12", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise Unreadable(_("无法读取这个 Excel 文件,请另存为 .xlsx 或 CSV 后重试")) from error


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text)))
    raise Unreadable(_("无法识别文件编码:请使用 UTF-8 或 GBK/GB18030 编码的 CSV,或 Excel 文件"))


def read_rows(upload) -> list[list[str]]:
    """Every row of the file's first sheet as text, the header first."""
    if upload.size > MAX_BYTES:
        raise Unreadable(_("文件过大(最多 5 MB)"))
    data = upload.read()
    if data.startswith(XLSX_MAGIC) or upload.name.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    return _csv_rows(data)


def column_key(header: str) -> str | None:
    header = header.strip().lstrip("\ufeff")
    if header in COLUMNS:
        return header
    labels = {str(label): key for key, label in COLUMNS.items()} | ALIASES
    return labels.get(header)


def choice(value: str, choices) -> str:
    """Accept an enumeration value or its label (what people type into a spreadsheet)."""
    value = value.strip()
    for key, label in choices:
        if value in (key, str(label)):
            return key
    return value


def problem_message(field: str, problem: str) -> str:
    """A problem in the file's terms: the column's label, and for a choice the values it accepts."""
    column = field.rsplit(".", 1)[-1]
    name = str(COLUMNS.get(column, "")) or column
    text = problem_text(problem)
    if problem == "invalid_choice" and column in CHOICES:
        text += _("(可选:%(values)s)") % {"values": "、".join(str(label) for _key, label in CHOICES[column])}
    return f"{name}:{text}"


def parse(upload) -> tuple[list[NewOrder], list[int], list[tuple[int, str]]]:
    """Rows → orders. Returns the orders, each one's first line (to report the services' problems by line), and
    the problems found while reading, as (line number, message); a line number of 0 means the whole file."""
    try:
        rows = read_rows(upload)
    except Unreadable as error:
        return [], [], [(0, str(error))]
    if not rows:
        return [], [], [(0, _("文件中没有订单"))]
    keys = [column_key(h) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        names = "、".join(str(COLUMNS[c]) for c in missing)
        return [], [], [(1, _("缺少列:%(columns)s") % {"columns": names})]
    problems: list[tuple[int, str]] = []
    heads: dict[str, dict] = {}
    lines: dict[str, list[NewLine]] = {}
    first_line: dict[str, int] = {}
    for line_no, values in enumerate(rows[1:], start=2):
        row = {k: v.strip() for k, v in zip(keys, values) if k}
        if not any(row.values()):
            continue  # blank rows between orders are common in hand-kept sheets
        empty = [c for c in REQUIRED if not row.get(c)]
        if empty:
            names = "、".join(str(COLUMNS[c]) for c in empty)
            problems.append((line_no, _("必填列为空:%(columns)s") % {"columns": names}))
        try:
            quantity = int(row.get("quantity") or 1)
            if quantity < 1:
                raise ValueError
        except ValueError:
            problems.append((line_no, _("数量须为正整数")))
            continue
        if empty:
            continue
        ref = row["external_ref"]
        if ref not in heads:
            first_line[ref] = line_no
            heads[ref] = {
                "external_ref": ref, "shop": row["shop"], "warehouse": row["warehouse"],
                "reverse_type": choice(row["reverse_type"], ReverseType.choices),
                "business_mode": choice(row["business_mode"], BusinessMode.choices),
                "owner_id": row["owner_id"], "owner_name": row["owner_name"],
                **{k: row.get(k, "") for k in ("sales_return_no", "order_no", "inbound_tracking_number", "reason")},
            }
            lines[ref] = []
        lines[ref].append(NewLine(
            product_id=row["product_id"], product_name=row["product_name"], goods_id=row["goods_id"],
            goods_name=row["goods_name"], quantity=quantity,
        ))
    if not heads and not problems:
        problems.append((0, _("文件中没有订单")))
    orders = [NewOrder(lines=lines[ref], **head) for ref, head in heads.items()]
    return orders, [first_line[ref] for ref in heads], problems
