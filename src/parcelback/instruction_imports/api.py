"""REST endpoints for instructions from a spreadsheet. Thin: read the file, call the services, render."""
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from parcelback.core.api import ERRORS, error_body, refuses
from parcelback.core.errors import Code

from . import codes as pickup_codes
from . import selectors, services, sheets
from .models import InstructionImport
from .schemas import ImportOut, ImportResultOut

router = Router(tags=["instruction-imports"])


def _opened(c: dict) -> dict:
    return {"group": c["group"], "warehouse": {"code": c["warehouse"].code, "name": c["warehouse"].name},
            "pickup_code": c["code"], "orders": [o.number for o in c["orders"]]}


def _import(record: InstructionImport) -> dict:
    rows = [
        {
            "line": r["line"], "order": r["values"]["number"], "method": r["values"]["method"], "problems": r["problems"],
            "group": r["group"], "outcome": r["outcome"], "code": r.get("code"),
        }
        for r in map(services.shown, record.rows)
    ]
    return {
        "id": record.pk, "file_name": record.file_name, "status": record.status, "progress": record.progress,
        "total": record.total, "error": _(record.error) if record.error else "", "user": record.user.get_username(),
        "created_at": record.created_at, "submitted_at": record.submitted_at, "rows": rows, "groups": record.groups,
    }


@router.post(
    "/instruction-imports", operation_id="import_instructions",
    response={200: ImportOut, 201: ImportResultOut, 202: ImportOut, **ERRORS},
    summary="Import instructions from a spreadsheet (指令导入)",
)
@refuses(
    Code.INVALID, Code.NOT_FOUND, Code.NOT_PERMITTED, Code.EMPTY_BATCH, Code.BATCH_REFUSED, Code.ALREADY_SUBMITTED, write=True
)
def import_instructions(request, file: File[UploadedFile], dry_run: Form[bool] = True, only_valid: Form[bool] = False):
    """multipart/form-data: `file` (the instruction template as XLSX, or CSV in UTF-8 or GB18030; at most 10,000
    rows and 20 MB), `dry_run` (default true: check and answer the plan, write no instruction) and `only_valid`
    (with `dry_run=false`: submit the good groups even when some rows are refused; otherwise any refused row
    refuses the whole file with `batch_refused`). Every import is recorded; `GET /instruction-imports/{id}` reads
    it again. Self-pickup codes are in the answer once.

    A file of more than 1,000 rows is answered 202 with the import `checking`: the worker checks it (then
    `planned`) and, with `dry_run=false`, submits it (`submitting`, then `submitted`); poll the GET for `status`
    and `progress`/`total`. Refused rows without `only_valid` give it back as `planned` with `error`, nothing
    written. Its self-pickup codes are answered once by the GET, to the token's user, within 10 minutes."""
    services.check_may_import(request.auth)
    try:
        rows = sheets.read(file)
    except sheets.Unreadable as error:
        return Status(400, error_body(str(Code.INVALID), str(error), field="file", errors={"file": "unreadable_file"}))
    record = services.upload(
        actor=request.auth, file_name=file.name or "", rows=rows, submit=not dry_run, only_valid=only_valid
    )
    if record.status == InstructionImport.Status.CHECKING:
        return Status(202, _import(record))
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


@router.get(
    "/instruction-imports/{import_id}", operation_id="get_instruction_import",
    response={200: ImportOut, **ERRORS},
    summary="One instruction import",
)
@refuses(Code.INVALID, Code.NOT_FOUND)
def get_import(request, import_id: int):
    """The import as recorded: its status and progress, each row's problems, group and outcome. Pickup codes are
    never shown again, but for a large import the worker submitted: once, to its submitter, within 10 minutes."""
    record = selectors.instruction_import(actor=request.auth, import_id=import_id)
    kept = pickup_codes.take_sealed_codes(record, user_id=request.auth.user_id)
    codes = [_opened(c) for c in pickup_codes.opened_codes(request.auth, kept)]
    return _import(record) | {"pickup_codes": codes}
