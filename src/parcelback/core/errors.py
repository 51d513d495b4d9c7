"""Coded refusals: one stable code per reason, mapped once to a translated message and an HTTP status.

Services raise `Refused`; pages show `message`, the API answers `as_json()`. The codes are a promise to
integrators: add new ones, never rename.
"""
import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Code(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_PERMITTED = "not_permitted"
    WRONG_STATUS = "wrong_status"
    WRONG_REVERSE_TYPE = "wrong_reverse_type"
    WRONG_PICKUP_METHOD = "wrong_pickup_method"
    ALREADY_REGISTERED = "already_registered"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_ARRIVED = "already_arrived"
    NOT_ARRIVED = "not_arrived"
    MIXED_WAREHOUSES = "mixed_warehouses"
    DUPLICATE_IN_BATCH = "duplicate_in_batch"
    EMPTY_BATCH = "empty_batch"
    BATCH_TOO_LARGE = "batch_too_large"
    PICKUP_CODE_MISMATCH = "pickup_code_mismatch"
    PICKUP_CODE_LOCKED = "pickup_code_locked"
    CONFIRMATION_REQUIRED = "confirmation_required"
    EXCEPTION_OPEN = "exception_open"
    EXCEPTION_NOT_OPEN = "exception_not_open"
    UNKNOWN_SHOP = "unknown_shop"
    UNKNOWN_WAREHOUSE = "unknown_warehouse"
    BATCH_REFUSED = "batch_refused"
    TOO_MANY_ENDPOINTS = "too_many_endpoints"
    HANDOVER_NEEDS_REASON = "handover_needs_reason"
    ALREADY_SUBMITTED = "already_submitted"
    ALREADY_ANSWERED = "already_answered"


MESSAGES = {
    Code.INVALID: _("Please correct the highlighted information."),
    Code.NOT_FOUND: _("No such reverse order."),
    Code.NOT_PERMITTED: _("Your role may not do this."),
    Code.WRONG_STATUS: _("The order's status does not allow this action."),
    Code.WRONG_REVERSE_TYPE: _("This action does not apply to the order's reverse type."),
    Code.WRONG_PICKUP_METHOD: _("The registered pickup method does not allow this action."),
    Code.ALREADY_REGISTERED: _("Pickup is already registered and cannot be submitted again."),
    Code.ALREADY_CONFIRMED: _("Destruction is already confirmed."),
    Code.ALREADY_ARRIVED: _("The parcel's arrival is already recorded."),
    Code.NOT_ARRIVED: _("The parcel has not arrived at the warehouse yet."),
    Code.MIXED_WAREHOUSES: _("A self-pickup batch must be in one warehouse."),
    Code.DUPLICATE_IN_BATCH: _("The order appears twice in the batch."),
    Code.EMPTY_BATCH: _("Select at least one order."),
    Code.BATCH_TOO_LARGE: _("Too many orders in one batch."),
    Code.PICKUP_CODE_MISMATCH: _("The pickup code does not match."),
    Code.PICKUP_CODE_LOCKED: _("Too many wrong pickup codes: handover is locked until the merchant issues a new code."),
    Code.CONFIRMATION_REQUIRED: _("This action is irreversible and must be confirmed."),
    Code.EXCEPTION_OPEN: _("The order already has an open exception."),
    Code.EXCEPTION_NOT_OPEN: _("The exception is not open."),
    Code.UNKNOWN_SHOP: _("Unknown shop."),
    Code.UNKNOWN_WAREHOUSE: _("Unknown warehouse, or not one of yours."),
    Code.BATCH_REFUSED: _("Nothing was done: some orders cannot take this action."),
    Code.TOO_MANY_ENDPOINTS: _("Your organisation already has the most webhook endpoints allowed; remove one first."),
    Code.HANDOVER_NEEDS_REASON: _("交付对象与登记的提货人不一致,或单据有未完结的异常:请填写原因后再交付。"),
    Code.ALREADY_SUBMITTED: _("This instruction import was already submitted."),
    Code.ALREADY_ANSWERED: _("该处理结果已确认或已提出异议,不能再次提交。"),
}

# The problem codes services put in `Refused.errors` (field → problem), as a page says them next to the field;
# the API answers the code itself.
PROBLEMS = {
    "required": _("必填"),
    "not_in_future": _("须晚于当前时间"),
    "invalid_phone": _("请填写有效的电话号码"),
    "unknown_country": _("请填写有效的国家/地区(中文或英文名称,或两位代码)"),
    "invalid_postcode": _("邮编格式与国家/地区不符"),
    "book_full": _("地址簿已满,请先删除不再使用的联系人"),
    "likely_typo": _("与地址簿中的联系人相近,可能填错了;核对无误后请确认"),
    "too_long": _("内容过长"),
    "mixed_methods": _("只能选择一种提货方式"),
    "in_future": _("不能晚于当前时间"),
    "too_many_files": _("文件过多(最多 10 个)"),
    "file_too_large": _("文件过大(每个最多 10 MB)"),
    "unsupported_file_type": _("仅支持 JPG、PNG、WebP 图片或 PDF"),
    "invalid_choice": _("无效的选项"),
    "only_for_dispute": _("仅在提出异议(或完结异议)时填写"),
    "only_for_compensation": _("仅在结论为已赔付时填写"),
    "invalid_amount": _("请填写大于 0 的金额,最多两位小数"),
    "invalid_currency": _("请填写三位大写币种代码,如 CNY、JPY"),
    "duplicate_in_batch": _("重复"),
    "must_be_positive": _("须为正整数"),
    "unknown_shop": _("未知店铺"),
    "unknown_warehouse": _("未知仓库,或不是您的仓库"),
    "invalid_url": _("请填写以 http:// 或 https:// 开头的网址"),
    "before_confirmation": _("不能早于商家确认销毁的时间"),
    "override_reason_required": _("请填写继续交付的原因"),
    "name_taken": _("已有同名的视图"),
    "views_full": _("视图已达上限(每人最多 20 个),请先删除不再使用的视图"),
    "shared_views_full": _("全店共享的视图已达上限(最多 20 个)"),
}


def problem_text(code: str) -> str:
    return str(PROBLEMS.get(code, code))


HTTP_STATUS = {
    Code.INVALID: 400,
    Code.EMPTY_BATCH: 400,
    Code.BATCH_TOO_LARGE: 400,
    Code.DUPLICATE_IN_BATCH: 400,
    Code.CONFIRMATION_REQUIRED: 400,
    Code.HANDOVER_NEEDS_REASON: 400,
    Code.UNKNOWN_SHOP: 400,
    Code.UNKNOWN_WAREHOUSE: 400,
    Code.NOT_FOUND: 404,
    Code.NOT_PERMITTED: 403,
}


@dataclass
class Refused(Exception):
    """An action was refused and nothing was written.

    `field` names the input at fault; `refused` lists (order number, code) pairs for a batch;
    `errors` maps field names to codes for form-level validation.
    """

    code: Code
    field: str | None = None
    refused: list[tuple[str, Code]] = dataclasses.field(default_factory=list)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 409)

    def as_json(self) -> dict:
        return {
            "code": str(self.code),
            "message": self.message,
            "field": self.field,
            "errors": self.errors or None,
            "refused": [{"order": number, "code": str(code), "message": str(MESSAGES[code])} for number, code in self.refused],
        }
