"""Page input for webhook endpoints: parsed into the values `services.create_endpoint` takes; whether they
are acceptable is the service's answer."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EVENT_TYPES, KIND_OF_EVENT_TYPE


def event_label(event_type: str) -> str:
    """`exception.raised` → the timeline's label for it (上报异常), so both speak of an event the same way."""
    kind = KIND_OF_EVENT_TYPE.get(event_type)
    return str(kind.label) if kind else event_type


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("接收地址"), max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/parcelback/webhooks"}),
    )
    event_types = forms.MultipleChoiceField(
        label=_("事件类型"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不勾选则接收全部事件"),
    )
    description = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [(t, f"{event_label(t)} · {t}") for t in EVENT_TYPES]
