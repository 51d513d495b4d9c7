"""Template filters for the order tables, where every cell is rendered 50 to 100 times a page."""
from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def month_day_time(value) -> str:
    """"11-26 08:30" in the user's time zone, as `|date:"m-d H:i"` writes it. Django's date filter parses its
    format on every call (~20 µs a cell); strftime does the same in ~2 µs."""
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""
