"""Page input: parse what a form posted into the plain values the services take. No business rules here:
whether the values are acceptable is the services' answer (a `Refused` with field codes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.models import Organisation, Warehouse
from parcelback.contacts.models import Contact
from parcelback.contacts.services import ContactDetails

from . import batch, services
from .models import (
    CANCEL_REASON_LENGTH,
    PICKUP_CODE_LENGTH,
    BusinessMode,
    CargoOwner,
    DisputeOutcome,
    ExceptionComment,
    Execution,
    ExecutionAcceptance,
    OrderException,
    OrderLine,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
    ReverseType,
    max_length,
)

LOCAL_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def length(model, name: str) -> dict:
    """`max_length` of a form field: the column's own (`models.max_length`)."""
    return {"max_length": max_length(model, name)}


def local_moment():
    """A date-time picker in the user's time zone (the browser's datetime-local input)."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

class PickupForm(forms.Form):
    """登记提货: one method and one set of details for every selected order."""

    method = forms.ChoiceField(
        label=_("提货方式"), choices=PickupMethod.choices, initial=PickupMethod.SELF_PICKUP, widget=forms.RadioSelect
    )
    expected_pickup_at = forms.DateTimeField(
        label=_("预计提货时间"), required=False, input_formats=LOCAL_INPUT_FORMATS, widget=local_moment()
    )
    picker_name = forms.CharField(label=_("提货人"), required=False, **length(PickupRegistration, "picker_name"))
    picker_phone = forms.CharField(label=_("联系方式"), required=False, **length(PickupRegistration, "picker_phone"))
    recipient_name = forms.CharField(label=_("收货人"), required=False, **length(PickupRegistration, "recipient_name"))
    recipient_phone = forms.CharField(label=_("联系方式"), required=False, **length(PickupRegistration, "recipient_phone"))
    country = forms.CharField(label=_("国家/地区"), required=False, **length(PickupRegistration, "country"))
    province = forms.CharField(label=_("省/州"), required=False, **length(PickupRegistration, "province"))
    city = forms.CharField(label=_("城市"), required=False, **length(PickupRegistration, "city"))
    district = forms.CharField(label=_("区/县"), required=False, **length(PickupRegistration, "district"))
    street = forms.CharField(label=_("详细地址"), required=False, **length(PickupRegistration, "street"))
    postcode = forms.CharField(label=_("邮编"), required=False, **length(PickupRegistration, "postcode"))
    remark = forms.CharField(label=_("备注"), required=False, **length(PickupRegistration, "remark"), widget=forms.Textarea(attrs={"rows": 2}))
    save_contact = forms.BooleanField(label=_("保存到地址簿"), required=False)
    # Asked for when the typed picker or recipient looks like a saved contact written wrong.
    confirm_contact = forms.BooleanField(label=_("已核对,信息无误"), required=False)

    def contact(self) -> ContactDetails:
        """The picker or the recipient typed, as an address book entry."""
        data = self.cleaned_data
        if data["method"] == PickupMethod.SELF_PICKUP:
            return ContactDetails(kind=Contact.Kind.PICKER, name=data["picker_name"], phone=data["picker_phone"])
        address = {f: data[f] for f in Contact.ADDRESS}
        return ContactDetails(kind=Contact.Kind.RECIPIENT, name=data["recipient_name"], phone=data["recipient_phone"], **address)

    def details(self) -> batch.PickupDetails:
        data = self.cleaned_data
        if data["method"] == PickupMethod.SELF_PICKUP:
            return batch.PickupDetails(
                method=data["method"],
                self_pickup=batch.SelfPickupDetails(
                    expected_pickup_at=data["expected_pickup_at"],
                    picker_name=data["picker_name"],
                    picker_phone=data["picker_phone"],
                ),
                remark=data["remark"],
            )
        fields = ("recipient_name", "recipient_phone", "country", "province", "city", "street", "postcode", "district")
        return batch.PickupDetails(
            method=data["method"], forward=batch.ForwardDetails(**{f: data[f] for f in fields}), remark=data["remark"]
        )


class HandOverForm(forms.Form):
    pickup_code = forms.CharField(label=_("提货码"), required=False, max_length=PICKUP_CODE_LENGTH)
    handed_to = forms.CharField(label=_("交付给"), required=False, **length(Execution, "handed_to"))
    # Every arrived order of the registration under the one code (the page names how many).
    whole_registration = forms.BooleanField(label=_("交付本次登记的全部已到仓单据"), required=False)
    # Asked for when the handover deserves a second look (another person, an open exception).
    override_reason = forms.CharField(
        label=_("继续交付的原因"), required=False, max_length=CANCEL_REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ForwardForm(forms.Form):
    carrier = forms.CharField(label=_("承运商"), required=False, **length(Execution, "carrier"))
    tracking_number = forms.CharField(label=_("运单号"), required=False, **length(Execution, "tracking_number"))


class DestroyForm(forms.Form):
    destroyed_at = forms.DateTimeField(
        label=_("销毁时间"), required=False, input_formats=LOCAL_INPUT_FORMATS, widget=local_moment()
    )
    method = forms.CharField(label=_("销毁方式"), required=False, **length(Execution, "destruction_method"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), required=False, max_length=CANCEL_REASON_LENGTH)


class RaiseExceptionForm(forms.Form):
    # A dispute of an execution is opened by 有异议 (with its type), never raised by hand.
    type = forms.ChoiceField(
        label=_("异常类型"),
        choices=[c for c in OrderException.Type.choices if c[0] != OrderException.Type.EXECUTION_DISPUTED],
    )
    description = forms.CharField(
        label=_("异常描述"), required=False, **length(OrderException, "description"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("留言"), required=False, **length(ExceptionComment, "body"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    """完结异常: a note; a dispute of an execution also its outcome (the page shows those fields only for one)."""

    note = forms.CharField(label=_("处理结果"), required=False, **length(OrderException, "resolution_note"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("处理结论"), required=False, choices=[("", _("请选择"))] + DisputeOutcome.choices)
    # A number of the column's digits (parsed here); whether it is wanted and positive is the service's answer.
    compensation_amount = OrderException._meta.get_field("compensation_amount").formfield(required=False)
    compensation_currency = forms.CharField(label=_("币种"), required=False, **length(OrderException, "compensation_currency"))

    OUTCOME_FIELDS = ("outcome", "compensation_amount", "compensation_currency")
    field_order = (*OUTCOME_FIELDS, "note")  # a dispute's conclusion first, then the note

    @staticmethod
    def outcome_of(data: dict) -> services.Outcome | None:
        """The outcome typed, or None when none of its fields was filled in."""
        if not any(data[name] not in (None, "") for name in ResolveForm.OUTCOME_FIELDS):
            return None
        amount = data["compensation_amount"]
        return services.Outcome(data["outcome"], "" if amount is None else str(amount), data["compensation_currency"])


class AcceptForm(forms.Form):
    """确认处理结果: nothing to type, the button is the answer."""


class DisputeForm(forms.Form):
    """有异议: what is wrong with the execution, and in the merchant's words."""

    type = forms.ChoiceField(label=_("异议类型"), choices=[("", _("请选择"))] + ExecutionAcceptance.DisputeType.choices)
    description = forms.CharField(
        label=_("异议说明"), required=False, **length(ExecutionAcceptance, "description"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ArrivalForm(forms.Form):
    numbers = forms.CharField(label=_("逆向管理单号"), widget=forms.Textarea(attrs={"rows": 4}))


# --- creating orders (provider) ---------------------------------------------------------------------

class OrderForm(forms.Form):
    """One order typed in by warehouse staff; goods lines come from `LineFormSet`."""

    external_ref = forms.CharField(label=_("外部单号"), **length(ReverseOrder, "external_ref"))
    # Picked from the list of shops; checked by the service like the API's shop code.
    shop = forms.CharField(label=_("店铺"), **length(Organisation, "code"), widget=forms.Select)
    # Checked by the service (unknown or someone else's warehouse), so a plain value with a picker.
    warehouse = forms.CharField(label=_("仓库"), **length(Warehouse, "code"), widget=forms.Select)
    reverse_type = forms.ChoiceField(label=_("逆向类型"), choices=ReverseType.choices)
    business_mode = forms.ChoiceField(label=_("经营方式"), choices=BusinessMode.choices)
    owner_id = forms.CharField(label=_("货主ID"), **length(CargoOwner, "external_id"))
    owner_name = forms.CharField(label=_("货主名称"), **length(CargoOwner, "name"))
    sales_return_no = forms.CharField(label=_("销退单号"), required=False, **length(ReverseOrder, "sales_return_no"))
    order_no = forms.CharField(label=_("订单号"), required=False, **length(ReverseOrder, "order_no"))
    inbound_tracking_number = forms.CharField(
        label=_("退回运单号"), required=False, **length(ReverseOrder, "inbound_tracking_number")
    )
    reason = forms.CharField(label=_("原因"), required=False, **length(ReverseOrder, "reason"))

    def __init__(self, *args, warehouses=(), shops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].widget.choices = [(w.code, w.name) for w in warehouses]
        self.fields["shop"].widget.choices = [("", _("请选择店铺"))] + [(s.code, f"{s.name}({s.code})") for s in shops]

    def new_order(self, lines: list[services.NewLine]) -> services.NewOrder:
        return services.NewOrder(lines=lines, **self.cleaned_data)


class LineForm(forms.Form):
    product_id = forms.CharField(label=_("商品ID"), **length(OrderLine, "product_id"))
    product_name = forms.CharField(label=_("商品名称"), **length(OrderLine, "product_name"))
    goods_id = forms.CharField(label=_("货品ID"), **length(OrderLine, "goods_id"))
    goods_name = forms.CharField(label=_("货品名称"), **length(OrderLine, "goods_name"))
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)


LineFormSet = forms.formset_factory(LineForm, extra=2, min_num=1, validate_min=True, max_num=20)


def line_list(formset) -> list[services.NewLine]:
    return [services.NewLine(**f.cleaned_data) for f in formset.forms if f.has_changed() and f.cleaned_data]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件(Excel .xlsx 或 CSV)"))
