"""The inbox's API shapes: what a notification looks like, and what marking read takes."""
from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from parcelback.core.api import NO_NUL, examples

from .services import MAX_IDS


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="the timeline kind (EventKind)")
    event_type: str = Field(description="the same event's webhook type")
    order_number: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    model_config = ConfigDict(json_schema_extra=examples({
        "results": [
            {"id": 902, "kind": "arrived", "event_type": "reverse_order.arrived", "order_number": "RV20250601000123",
             "created_at": "2025-06-02T01:15:00Z", "read_at": None},
            {"id": 875, "kind": "exception_raised", "event_type": "exception.raised", "order_number": "RV20250601000124",
             "created_at": "2025-06-01T10:05:00Z", "read_at": "2025-06-01T11:00:00Z"},
        ],
        "next_cursor": None,
    }))

    results: list[NotificationOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class NotificationQuery(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, pattern=NO_NUL, description="next_cursor of the previous page")


class ReadIn(Schema):
    model_config = ConfigDict(json_schema_extra=examples({"ids": [902, 875]}, {"all": True}))

    # Ids are positive 64-bit integers (a larger number is a field error, never a database overflow).
    ids: list[Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]] = Field(default_factory=list, max_length=MAX_IDS)
    all: StrictBool = False


class ReadOut(Schema):
    model_config = ConfigDict(json_schema_extra=examples({"marked": 2}))

    marked: int
