"""Template filters for the order tables, where every cell is rendered 50 to 200 times a page: see `cells`."""
from django import template

from .. import cells

register = template.Library()
register.filter("month_day_time", cells.month_day_time)
register.filter("status_tag", cells.status_html)
register.filter("exception_tag", cells.exception_html)


@register.filter
def deadline_cell(order) -> str:
    """处理截止 of an order whose `days` the view has set."""
    return cells.days_html(order.days)


@register.filter
def goods_cell(order) -> str:
    return cells.goods_html(order.line_items)
