"""The instruction imports' API shapes."""
from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from parcelback.core.api import enumeration, examples

from .models import InstructionImport

Method = enumeration("InstructionMethod", ["self_pickup", "forward", "destroy"])
ImportStatus = enumeration("ImportStatus", InstructionImport.Status.values)


class WarehouseOut(Schema):
    code: str
    name: str


class RowOut(Schema):
    line: int = Field(description="the row's line in the file (the header is line 1)")
    order: str = Field(description="逆向管理单号 as given")
    method: str = Field(description="处理方式 as given")
    problems: dict[str, str] = Field(description="column key → problem code; empty when the row is good")
    group: int | None = Field(description="the group the row belongs to (null: refused or skipped)")
    outcome: str = Field(
        description="'' (planned), registered, destruction_confirmed, refused, skipped (no 处理方式), failed"
    )
    code: str | None = Field(None, description="failed: the refusal code of its group at submission")


class GroupOut(Schema):
    index: int
    method: Method
    warehouse: WarehouseOut | None = Field(description="self_pickup: the warehouse its one pickup code opens")
    orders: list[str]


class PickupCodeGroupOut(Schema):
    group: int
    warehouse: WarehouseOut
    pickup_code: str = Field(description="shown once in this answer; only its hash is kept")
    orders: list[str]


# What the examples show: a two-row file of shop1's merchant, one 自提 row at the Tokyo warehouse and one 销毁 row,
# checked (planned), then submitted.
_TOKYO = {"code": "tokyo", "name": "东京集货仓"}
_PLANNED = {
    "id": 17, "file_name": "退货指令_20250604.xlsx", "status": "planned", "progress": 2, "total": 2, "error": "",
    "user": "merchant1", "created_at": "2025-06-04T01:30:00Z", "submitted_at": None,
    "rows": [
        {"line": 2, "order": "RV20250601000123", "method": "自提", "problems": {}, "group": 1, "outcome": "", "code": None},
        {"line": 3, "order": "RV20250601000126", "method": "销毁", "problems": {}, "group": 2, "outcome": "", "code": None},
    ],
    "groups": [
        {"index": 1, "method": "self_pickup", "warehouse": _TOKYO, "orders": ["RV20250601000123"]},
        {"index": 2, "method": "destroy", "warehouse": None, "orders": ["RV20250601000126"]},
    ],
    "pickup_codes": [],
}
_SUBMITTED = _PLANNED | {
    "status": "submitted", "submitted_at": "2025-06-04T01:32:00Z",
    "rows": [row | {"outcome": outcome} for row, outcome in zip(_PLANNED["rows"], ("registered", "destruction_confirmed"))],
    "pickup_codes": [{"group": 1, "warehouse": _TOKYO, "pickup_code": "48203917", "orders": ["RV20250601000123"]}],
}


class ImportOut(Schema):
    # ImportResultOut inherits this config and declares its own examples.
    model_config = ConfigDict(json_schema_extra=examples(_PLANNED))

    id: int
    file_name: str
    status: ImportStatus = Field(
        description="checking / submitting: a large file in the worker's hands (see progress); failed: see error"
    )
    progress: int = Field(description="checking: rows checked; submitting: groups written (of total)")
    total: int = Field(description="checking: rows; submitting: groups (0 while the rows are checked again)")
    error: str = Field(description="failed, or a submission given back as planned: why; otherwise empty")
    user: str
    created_at: datetime
    submitted_at: datetime | None
    rows: list[RowOut]
    groups: list[GroupOut]
    pickup_codes: list[PickupCodeGroupOut] = Field(
        [], description="a large import the worker submitted: its codes, to the submitter, once (for 10 minutes)"
    )


class ImportResultOut(ImportOut):
    model_config = ConfigDict(json_schema_extra=examples(_SUBMITTED))

    pickup_codes: list[PickupCodeGroupOut] = Field(description="self-pickup groups written now: their codes, shown once")
