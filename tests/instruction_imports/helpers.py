"""Building instruction files the way a merchant does: the downloaded template filled in with openpyxl, or a CSV."""
import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from parcelback.instruction_imports.sheets import COLUMNS

HEADER = [c.label for c in COLUMNS]


def later(days: int = 2) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def self_pickup(**overrides) -> dict:
    return {"method": "自提", "expected_pickup_at": later(), "picker_name": "张三", "picker_phone": "13800138000"} | overrides


def forward(**overrides) -> dict:
    values = {"method": "转寄", "recipient_name": "李四", "recipient_phone": "13900001234", "country": "中国",
              "province": "浙江省", "city": "杭州市", "street": "文一西路 969 号", "postcode": "311121"}
    return values | overrides


def fill(template: bytes, filled: dict[str, dict]) -> bytes:
    """The template with the given rows filled in (by 逆向管理单号), as a person would in Excel."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    keys = [c.key for c in COLUMNS]
    for row in sheet.iter_rows(min_row=2):
        values = filled.get(row[0].value)
        for key, value in (values or {}).items():
            row[keys.index(key)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(rows: list[dict], encoding: str = "utf-8") -> bytes:
    keys = [c.key for c in COLUMNS]
    lines = [",".join(HEADER)] + [",".join(str(r.get(k, "")) for k in keys) for r in rows]
    return "\n".join(lines).encode(encoding)


def rows_of(*pairs) -> list[dict]:
    """Rows as `sheets.read` gives them: (number, values) pairs from line 2 on."""
    keys = [c.key for c in COLUMNS]
    return [{"line": i, "values": {k: "" for k in keys} | {"number": n} | v} for i, (n, v) in enumerate(pairs, start=2)]
