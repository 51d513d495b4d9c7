"""The filtered list as CSV or XLSX, streamed: rows are read in chunks and never all held in memory."""
import csv
import io
import tempfile
import unicodedata

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from parcelback.core.text import invisible

from .models import BusinessMode, ExceptionState, PickupMethod, ReverseType, Status

CHUNK = 500
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    return [
        _("逆向管理单号"), _("销退单号"), _("订单号"), _("店铺"), _("逆向类型"), _("状态"), _("提货方式"),
        _("异常情况"), _("经营方式"), _("货主ID"), _("货主名称"), _("仓库"), _("货品"), _("处理截止"),
        _("剩余天数"), _("到仓时间"), _("创建时间"), _("更新时间"),
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


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


def rows(queryset):
    now = timezone.now()
    types, statuses, methods = _labels(ReverseType.choices), _labels(Status.choices), _labels(PickupMethod.choices)
    exceptions, modes = _labels(ExceptionState.choices), _labels(BusinessMode.choices)
    for order in queryset.iterator(chunk_size=CHUNK):
        days_left = order.days_left(now)
        goods = "; ".join(f"{line.goods_name} ×{line.quantity}" for line in order.line_items)
        # Each prefetched line points back at its order: dropping them breaks the cycle, so a written chunk is
        # freed at once by reference counting instead of waiting for the cyclic collector.
        order.listed_lines = ()
        yield [
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
                _when(order.instruction_deadline),
                "" if days_left is None else days_left,
                _when(order.arrived_at),
                _when(order.created_at),
                _when(order.updated_at),
            )
        ]


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
            yield writer.writerow(first)
            for row in body:
                yield writer.writerow(row)

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
        sheet.append(headers())
        for row in counted():
            sheet.append([_xlsx_value(sheet, value) for value in row])
        workbook.save(target)
    else:
        text = io.TextIOWrapper(target, encoding="utf-8", newline="")
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(headers())
        writer.writerows(counted())
        text.flush()
        text.detach()  # leave `target` open for the caller
    return written
