"""The filtered list as CSV or XLSX, streamed: rows are read in chunks and never all held in memory."""
import csv
import io
import tempfile
import unicodedata
from datetime import datetime

from django.db.models import Prefetch
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcelback.core.text import invisible

from .cells import days_text
from .models import (
    BusinessMode,
    ExceptionState,
    OrderException,
    PickupMethod,
    ReverseType,
    Status,
)

CHUNK = 500
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Each column: its header, its width in Excel (characters) and what its cells hold: "id" (an identifier kept as
# text, never 6.93E+12), "text", "date" (a real Excel date-time in the user's zone) or "number".
def columns() -> list[tuple[str, int, str]]:
    return [
        (_("逆向管理单号"), 22, "id"), (_("销退单号"), 18, "id"), (_("订单号"), 18, "id"), (_("店铺"), 14, "text"),
        (_("逆向类型"), 14, "text"), (_("状态"), 12, "text"), (_("提货方式"), 10, "text"), (_("异常情况"), 12, "text"),
        (_("经营方式"), 10, "text"), (_("货主ID"), 14, "id"), (_("货主名称"), 18, "text"), (_("仓库"), 14, "text"),
        (_("货品"), 40, "text"), (_("处理截止"), 19, "date"), (_("剩余天数"), 12, "text"), (_("到仓时间"), 19, "date"),
        (_("创建时间"), 19, "date"), (_("更新时间"), 19, "date"),
        # What operators reconcile with: the goods by ID, the registration, the execution, the latest exception.
        (_("货品ID"), 20, "id"), (_("商品ID"), 20, "id"), (_("总件数"), 8, "number"), (_("退回运单号"), 18, "id"),
        (_("登记时间"), 19, "date"), (_("提货人/收货人"), 12, "text"), (_("联系电话"), 16, "id"), (_("预计提货时间"), 19, "date"),
        (_("收货地址"), 40, "text"), (_("交付给"), 12, "text"), (_("承运商"), 12, "text"), (_("运单号"), 20, "id"),
        (_("销毁时间"), 19, "date"), (_("销毁方式"), 16, "text"), (_("执行时间"), 19, "date"),
        (_("最新异常类型"), 14, "text"), (_("最新异常描述"), 40, "text"),
    ]


def headers() -> list[str]:
    return [str(name) for name, _width, _kind in columns()]


def _local(value):
    """A moment as the user's wall-clock time, naive (an Excel date has no zone)."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _first_shown(value: str) -> str:
    """The first character a spreadsheet program may act on: leading blanks skipped (spaces, NBSP, newlines,
    zero-width and other format characters) and full-width or compatibility forms folded (＝ is =)."""
    for char in value:
        for folded in unicodedata.normalize("NFKC", char):
            if not invisible(folded):
                return folded
    return ""


def _safe(value):
    """Keep spreadsheet programs from running user text as a formula, however its first character is dressed."""
    if isinstance(value, str) and (value[:1] in FORMULA_STARTS or _first_shown(value) in FORMULA_STARTS):
        return "'" + value
    return value


def _labels(choices) -> dict[str, str]:
    """Choice labels translated once per export, not once per cell."""
    return {value: str(label) for value, label in choices}


def _export_queryset(queryset):
    """The list's queryset with what the export adds per order: the registration and the execution (joined) and the
    exceptions (prefetched chunk by chunk by the iterator, like the goods lines)."""
    latest_first = OrderException.objects.order_by("-raised_at", "-id")
    return queryset.select_related("registration", "execution").prefetch_related(
        Prefetch("exceptions", queryset=latest_first, to_attr="export_exceptions")
    )


def _address(registration) -> str:
    if registration is None or registration.method != PickupMethod.FORWARD:
        return ""
    parts = (registration.country, registration.province, registration.city, registration.district, registration.street)
    address = " ".join(p for p in parts if p)
    return f"{address} {registration.postcode}".strip() if registration.postcode else address


def rows(queryset):
    """One row per order, in `headers()` order: text guarded against formulas, moments as naive local datetimes."""
    now = timezone.now()
    types, statuses, methods = _labels(ReverseType.choices), _labels(Status.choices), _labels(PickupMethod.choices)
    exceptions, modes = _labels(ExceptionState.choices), _labels(BusinessMode.choices)
    exception_types = _labels(OrderException.Type.choices)
    for order in _export_queryset(queryset).iterator(chunk_size=CHUNK):
        lines = order.line_items
        goods = "; ".join(f"{line.goods_name}({line.goods_id}) ×{line.quantity}" for line in lines)
        registration = getattr(order, "registration", None)
        execution = getattr(order, "execution", None)
        latest = order.export_exceptions[0] if order.export_exceptions else None
        self_pickup = registration is not None and registration.method == PickupMethod.SELF_PICKUP
        row = [
            _safe(value)
            for value in (
                order.number,
                order.sales_return_no,
                order.order_no,
                order.shop.name,
                types.get(order.reverse_type, order.reverse_type),
                statuses.get(order.status, order.status),
                methods.get(order.pickup_method, ""),
                exceptions.get(order.exception_state, order.exception_state),
                modes.get(order.business_mode, order.business_mode),
                order.owner.external_id,
                order.owner.name,
                order.warehouse.name,
                goods,
                _local(order.instruction_deadline),
                days_text(order.days_left(now)),
                _local(order.arrived_at),
                _local(order.created_at),
                _local(order.updated_at),
                "; ".join(line.goods_id for line in lines),
                "; ".join(line.product_id for line in lines),
                sum(line.quantity for line in lines),
                order.inbound_tracking_number,
                _local(registration.created_at) if registration else None,
                (registration.picker_name if self_pickup else registration.recipient_name) if registration else "",
                (registration.picker_phone if self_pickup else registration.recipient_phone) if registration else "",
                _local(registration.expected_pickup_at) if self_pickup else None,
                _address(registration),
                execution.handed_to if execution else "",
                execution.carrier if execution else "",
                execution.tracking_number if execution else "",
                _local(execution.destroyed_at) if execution else None,
                execution.destruction_method if execution else "",
                _local(execution.created_at) if execution else None,
                exception_types.get(latest.type, latest.type) if latest else "",
                latest.description if latest else "",
            )
        ]
        # Each prefetched line or exception, and the joined registration, points back at its order: dropping them
        # breaks the cycles, so a written chunk is freed at once by reference counting, not by the cyclic collector.
        order.listed_lines = order.export_exceptions = ()
        order._state.fields_cache.clear()
        yield row


def _csv_row(row: list) -> list:
    return [value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else value for value in row]


def _xlsx_value(sheet, value):
    """Text stays text in XLSX: characters XML cannot carry are dropped, and where openpyxl would guess a formula
    (`=…`) or an error value (`#N/A`) the cell is written as a string cell in the text format."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not (value.startswith("=") or value in ERROR_CODES):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type, cell.number_format = "s", "@"
    return cell


DATE_FORMAT = "yyyy-mm-dd hh:mm"


def _xlsx_layout(sheet) -> list[str]:
    """Widths, a bold header row that stays in view while scrolling; returns each column's kind."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    layout = columns()
    for index, (_name, width, _kind) in enumerate(layout, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name, _width, _kind in layout:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return [kind for _name, _width, kind in layout]


def _xlsx_cell(sheet, value, kind: str):
    """A date as a real date cell, an identifier as a text cell (never read as a number), other text as text."""
    if value is None or value == "":
        return None
    if kind == "date":
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    value = _xlsx_value(sheet, value)
    if kind == "id" and isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type, cell.number_format = "s", "@"
        return cell
    return value


class _Line:
    """A file-like object whose write() hands back the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def filename(ext: str) -> str:
    return f"reverse-orders-{timezone.localtime():%Y%m%d-%H%M%S}.{ext}"


def csv_response(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Line())
    body = rows(queryset)
    first = next(body, None)  # the first query runs now, so the view can answer its failure (not a cut download)

    def lines():
        yield "\ufeff"  # lets Excel read the UTF-8 Chinese text
        yield writer.writerow(headers())
        if first is not None:
            yield writer.writerow(_csv_row(first))
            for row in body:
                yield writer.writerow(_csv_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    return response


def xlsx_response(queryset) -> FileResponse:
    """openpyxl's write-only mode streams rows to disk; the finished file is then streamed to the client."""
    target = tempfile.TemporaryFile()
    write_file(queryset, "xlsx", target)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename("xlsx"), content_type=XLSX_TYPE)


def write_file(queryset, fmt: str, target, *, progress=None) -> int:
    """The export as a file into `target` (binary, seekable), the same bytes a download would carry; for a
    background export, `progress(rows_so_far)` is called every CHUNK rows. Returns the number of rows."""
    written = 0

    def counted():
        nonlocal written
        for row in rows(queryset):
            yield row
            written += 1
            if progress and written % CHUNK == 0:
                progress(written)

    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("直邮逆向管理"))
        kinds = _xlsx_layout(sheet)
        for row in counted():
            sheet.append([_xlsx_cell(sheet, value, kind) for value, kind in zip(row, kinds)])
        workbook.save(target)
    else:
        text = io.TextIOWrapper(target, encoding="utf-8", newline="")
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(headers())
        writer.writerows(_csv_row(row) for row in counted())
        text.flush()
        text.detach()  # leave `target` open for the caller
    return written
