"""REST endpoints for instructions from a spreadsheet. Thin: read the file, call the services, render."""
from ninja import File, Form, Router, Status, UploadedFile

from parcelback.core.api import ERRORS, error_body
from parcelback.core.errors import Code

from . import selectors, services, sheets
from .models import InstructionImport
from .schemas import ImportOut, ImportResultOut

router = Router(tags=["instruction-imports"])


def _import(record: InstructionImport) -> dict:
    rows = [
        {
            "line": r["line"], "order": r["values"]["number"], "method": r["values"]["method"], "problems": r["problems"],
            "group": r["group"], "outcome": r["outcome"], "code": r.get("code"),
        }
        for r in record.rows
    ]
    return {
        "id": record.pk, "file_name": record.file_name, "status": record.status, "user": record.user.get_username(),
        "created_at": record.created_at, "submitted_at": record.submitted_at, "rows": rows, "groups": record.groups,
    }


@router.post(
    "/instruction-imports",
    response={200: ImportOut, 201: ImportResultOut, **ERRORS},
    summary="Import instructions from a spreadsheet (指令导入)",
)
def import_instructions(request, file: File[UploadedFile], dry_run: Form[bool] = True, only_valid: Form[bool] = False):
    """multipart/form-data: `file` (the instruction template as XLSX, or CSV in UTF-8 or GB18030; at most 1,000
    rows and 5 MB), `dry_run` (default true: check and answer the plan, write no instruction) and `only_valid`
    (with `dry_run=false`: submit the good groups even when some rows are refused; otherwise any refused row
    refuses the whole file with `batch_refused`). Every import is recorded; `GET /instruction-imports/{id}` reads
    it again. Self-pickup codes are in the answer once."""
    services.check_may_import(request.auth)
    try:
        rows = sheets.read(file)
    except sheets.Unreadable as error:
        return Status(400, error_body(str(Code.INVALID), str(error), field="file", errors={"file": "unreadable_file"}))
    planned = services.plan(actor=request.auth, rows=rows)
    record = services.record(actor=request.auth, file_name=file.name or "", planned=planned)
    if dry_run:
        return Status(200, _import(record))
    done = services.submit(actor=request.auth, import_id=record.pk, only_valid=only_valid)
    codes = [
        {
            "group": group.index, "warehouse": {"code": c.warehouse.code, "name": c.warehouse.name},
            "pickup_code": c.pickup_code, "orders": [o.number for o in c.orders],
        }
        for group, c in done.codes
    ]
    return Status(201, _import(done.record) | {"pickup_codes": codes})


@router.get("/instruction-imports/{import_id}", response={200: ImportOut, **ERRORS}, summary="One instruction import")
def get_import(request, import_id: int):
    """The import as recorded: each row's problems, group and outcome (pickup codes are never shown again)."""
    return _import(selectors.instruction_import(actor=request.auth, import_id=import_id))
