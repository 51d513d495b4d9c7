"""The address book's API shapes."""
from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field

from parcelback.core.api import NO_NUL, enumeration, examples, required_text, text

from .models import Contact
from .rules import PHONE_SHAPE

Kind = enumeration("ContactKind", Contact.Kind.values)


def _length(name: str) -> int:
    return Contact._meta.get_field(name).max_length


class ContactIn(Schema):
    """A picker (name, phone) or a recipient (name, phone and a full address)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=examples(
        {"kind": "picker", "name": "陈静", "phone": "136 0000 1111"},
        {"kind": "recipient", "name": "赵敏", "phone": "137 0000 2222", "country": "中国", "province": "浙江省",
         "city": "杭州市", "district": "西湖区", "street": "文三路 100 号", "postcode": "310000"},
    ))
    kind: Kind
    name: str = required_text(_length("name"))
    phone: str = Field(max_length=_length("phone"), pattern=f"^{PHONE_SHAPE}$")
    country: str = text(_length("country"))
    province: str = text(_length("province"))
    city: str = text(_length("city"))
    district: str = text(_length("district"))
    street: str = text(_length("street"))
    postcode: str = text(_length("postcode"))


class TypoOut(Schema):
    code: str = Field(description="phone_one_digit_off | same_name_other_phone")
    contact_id: int
    name: str
    phone: str


_PICKER = {
    "id": 41, "kind": "picker", "name": "陈静", "phone": "136 0000 1111", "country": "", "province": "", "city": "",
    "district": "", "street": "", "postcode": "", "created_at": "2025-05-20T07:10:00Z", "last_used_at": "2025-06-04T02:00:00Z",
}


class ContactOut(Schema):
    id: int
    kind: Kind
    name: str
    phone: str
    country: str
    province: str
    city: str
    district: str
    street: str
    postcode: str
    created_at: datetime
    last_used_at: datetime


class ContactSavedOut(ContactOut):
    model_config = ConfigDict(json_schema_extra=examples({
        **_PICKER, "id": 42, "phone": "136 0000 1112", "created_at": "2025-06-04T03:00:00Z",
        "last_used_at": "2025-06-04T03:00:00Z",
        "warnings": [{"code": "phone_one_digit_off", "contact_id": 41, "name": "陈静", "phone": "136 0000 1111"}],
    }))

    warnings: list[TypoOut] = Field(description="saved contacts the new one looks like a slip of (it is saved anyway)")


class ContactPage(Schema):
    model_config = ConfigDict(json_schema_extra=examples({
        "results": [_PICKER, {
            "id": 38, "kind": "recipient", "name": "赵敏", "phone": "137 0000 2222", "country": "中国", "province": "浙江省",
            "city": "杭州市", "district": "西湖区", "street": "文三路 100 号", "postcode": "310000",
            "created_at": "2025-05-12T06:00:00Z", "last_used_at": "2025-05-30T08:45:00Z",
        }],
        "next_cursor": None,
    }))

    results: list[ContactOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class ContactQuery(Schema):
    kind: Kind | None = None
    q: str = Field("", max_length=80, pattern=NO_NUL, description="part of a name, phone or address")
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, pattern=NO_NUL, description="next_cursor of the previous page")
