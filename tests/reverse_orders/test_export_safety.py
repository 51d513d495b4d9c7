"""Exports and served files can't be turned against whoever opens them (issue 10, findings 8 and 10c), and a busy
SQLite database turns a streamed export into a background one rather than a 500 (finding 10d)."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.utils import timezone
from openpyxl import load_workbook

from parcelback.reverse_orders import exports, selectors, services
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import ExportJob, ReverseType

from ..factories import ReverseOrderFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db

# Every way the issue found to dress a formula so the old guard (first character only) missed it.
FORMULAS = [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1", "\n=1+1", "\u00a0=1+1", "\u200b=1+1",
    "\ufeff=1+1", "\u3000=1+1", "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)", " \u200b\u00a0＝HYPERLINK(\"http://x\")",
    "\u2060\u200d-2+3",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_every_spelling_of_a_formula_is_quoted(text):
    assert exports._safe(text) == "'" + text


@pytest.mark.parametrize("text", ["花王", "A=1", "2026-11-26", "", " 1", "#N/A"])
def test_plain_text_is_left_alone(text):
    assert exports._safe(text) == text


@pytest.fixture
def dressed(world):
    """One order per spelling, the formula in its cargo owner's name (text a provider writes, the merchant exports)."""
    return [
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, owner__name=text)
        for text in FORMULAS
    ]


def test_csv_export_quotes_every_spelling(client, world, dressed):
    response = client_for(client, world.merchant1).get("/orders/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    names = {row[10] for row in rows[1:]}
    assert names == {"'" + text for text in FORMULAS}


def test_xlsx_export_has_no_formula_cell(client, world, dressed):
    response = client_for(client, world.merchant1).get("/orders/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    read_back = {sheet.cell(row=r, column=11).value for r in range(2, sheet.max_row + 1)}
    assert read_back == {"'" + t.replace("\r", "\n") for t in FORMULAS}  # XML reads a bare CR as LF


def test_xlsx_writes_guessable_text_as_string_cells(world, tmp_path):
    """Past the guard too: text openpyxl would read as a formula or an error value is written as a string cell,
    and characters XML cannot carry are dropped instead of failing the export."""
    for name in ("#N/A", "a\x01b"):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, owner__name=name)
    target = tmp_path / "x.xlsx"
    with target.open("wb") as handle:
        assert exports.write_file(selectors.order_list(actor=world.merchant1, params={}).qs, "xlsx", handle) == 2
    sheet = load_workbook(target).active
    owners = {sheet.cell(row=r, column=11).value: sheet.cell(row=r, column=11).data_type for r in (2, 3)}
    assert owners == {"#N/A": "s", "ab": "s"}


def destroyed_with(world, *uploads):
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY)
    services.confirm_destruction(actor=world.merchant1, numbers=[order.number], confirm=True)
    services.destroy(
        actor=world.provider1, number=order.number, destroyed_at=timezone.now(),  # not before the confirmation
        method="焚烧", evidence=list(uploads),
    )
    return order, list(order.execution.evidence.order_by("pk"))


def test_evidence_pdfs_download_and_images_show_inline_never_sniffed(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", content_type="application/pdf")
    png = SimpleUploadedFile("photo.png", tiny_png(), content_type="image/png")
    order, (pdf_file, png_file) = destroyed_with(world, pdf, png)
    signed_in = client_for(client, world.merchant1)
    served = signed_in.get(f"/orders/{order.number}/evidence/{pdf_file.pk}/")
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment;") and ".pdf" in served["Content-Disposition"]
    shown = signed_in.get(f"/orders/{order.number}/evidence/{png_file.pk}/")
    assert shown["Content-Type"] == "image/png" and shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Disposition"].startswith("inline")


class LockedOnce:
    """The first read of the orders table fails as SQLite fails when a writer holds the database."""

    def __init__(self):
        self.raised = False

    def __call__(self, execute, sql, params, many, context):
        if not self.raised and sql.lstrip().upper().startswith("SELECT") and "reverse_orders_reverseorder" in sql:
            self.raised = True
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_locked_database_turns_the_export_into_a_job(client, world, fmt):
    ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    signed_in = client_for(client, world.merchant1)
    locked = LockedOnce()
    with connection.execute_wrapper(locked):
        response = signed_in.get(f"/orders/export.{fmt}", {"status": "awaiting_instruction"})
    assert locked.raised
    job = ExportJob.objects.get()
    expected = (fmt, "status=awaiting_instruction", 1, world.merchant1.user_id)
    assert (job.fmt, job.params, job.total, job.user_id) == expected
    assert response.status_code == 302 and response["Location"] == f"/orders/exports/{job.pk}/"


def test_other_database_errors_are_not_hidden(client, world):
    signed_in = client_for(client, world.merchant1)

    def broken(execute, sql, params, many, context):
        if "reverse_orders_reverseorder" in sql:
            raise OperationalError("disk I/O error")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(broken), pytest.raises(OperationalError):
        signed_in.get("/orders/export.csv")
    assert not ExportJob.objects.exists()
