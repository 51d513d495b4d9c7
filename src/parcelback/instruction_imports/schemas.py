"""The instruction imports' API shapes."""
from datetime import datetime

from ninja import Schema
from pydantic import Field

from parcelback.core.api import enumeration

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


class ImportOut(Schema):
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
    pickup_codes: list[PickupCodeGroupOut] = Field(description="self-pickup groups written now: their codes, shown once")
