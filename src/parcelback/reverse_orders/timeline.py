"""The timeline as people read it: each event's label (its `EventKind`), and its data with labelled keys,
choice labels for codes and local times for moments."""
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcelback.accounts.actors import SYSTEM

from .models import EventKind, OrderException, PickupMethod

DATA_LABELS = {
    "arrived_at": _("到仓时间"),
    "method": _("方式"),
    "remark": _("备注"),
    "expected_pickup_at": _("预计提货时间"),
    "picker_name": _("提货人"),
    "picker_phone": _("联系方式"),
    "recipient_name": _("收货人"),
    "recipient_phone": _("联系方式"),
    "country": _("国家/地区"),
    "province": _("省/州"),
    "city": _("城市"),
    "district": _("区/县"),
    "street": _("详细地址"),
    "postcode": _("邮编"),
    "handed_to": _("交付给"),
    "carrier": _("承运商"),
    "tracking_number": _("运单号"),
    "destroyed_at": _("销毁时间"),
    "evidence_files": _("凭证文件数"),
    "reason": _("原因"),
    "type": _("异常类型"),
    "description": _("异常描述"),
    "body": _("留言"),
    "note": _("处理结果"),
    "instruction_deadline": _("处理截止"),
    "days_left": _("剩余时间"),
    "wrong_attempts": _("错误次数"),
    "warnings": _("提醒"),
    "orders": _("同批单据"),
}
DATA_CHOICES = {"method": dict(PickupMethod.choices), "type": dict(OrderException.Type.choices)}
# Handover warnings the provider confirmed with a reason (services.execution.handover_warnings).
WARNING_LABELS = {"handed_to_differs": _("交付对象与登记的提货人不一致"), "exception_open": _("单据有未完结的异常")}
# Keys without a label (e.g. `exception_id`, a link between rows) are not something a person reads: not shown.


def shown_value(key: str, value):
    """A timeline value as people read it: labels for codes, local time for moments, days in words."""
    if key in DATA_CHOICES:
        return DATA_CHOICES[key].get(value, value)
    if key == "warnings" and isinstance(value, list):
        return "、".join(str(WARNING_LABELS.get(v, v)) for v in value)
    if key == "orders" and isinstance(value, list):
        return "、".join(map(str, value))
    if key == "days_left" and isinstance(value, int):
        return ngettext("剩 %(days)s 天处理", "剩 %(days)s 天处理", value) % {"days": value}
    if isinstance(value, str) and (moment := parse_datetime(value)):
        return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return value


def actor_name(label: str) -> str:
    """Who acted, as the page names them: a username, or 系统 / system for the system itself."""
    return str(_("系统")) if label == SYSTEM.username else label


def label_events(events) -> list:
    """The events with `label` and `shown` ((label, value) pairs) set for the detail page."""
    labels = dict(EventKind.choices)
    for event in events:
        event.label = labels.get(event.kind, event.kind)
        event.actor_name = actor_name(event.actor_label)
        event.shown = [
            (DATA_LABELS[k], shown_value(k, v)) for k, v in event.data.items() if k in DATA_LABELS and v not in ("", None)
        ]
    return events
