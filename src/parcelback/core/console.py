"""The console's shared edge: how every app's pages render, redirect after a write, page a list and show a
refusal next to the field it concerns. It knows no app: who the user is comes from `request.actor` (set by
accounts' middleware) and reaches templates through accounts' context processor."""
from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render

from .errors import Refused, problem_text


def is_fragment(request) -> bool:
    """The console's script asks for a dialog's content without the page frame."""
    return request.headers.get("X-Fragment") == "1"


def page(request, template: str, context: dict | None = None, *, status: int = 200):
    """A console page, or only its content when the script opens it in a dialog."""
    context = {"base_template": "fragment.html" if is_fragment(request) else "base.html", **(context or {})}
    return render(request, template, context, status=status)


def go(request, url: str):
    """After a write: redirect, or for a dialog tell the script where to go (a followed redirect would
    consume one-time data such as the pickup code)."""
    if is_fragment(request):
        return HttpResponse(status=204, headers={"X-Location": url})
    return redirect(url)


BACK_MAX = 4000  # a list's query string, pasted numbers included, fits well inside


def back_query(back: str | None) -> str:
    """The list view a dialog was opened from, as a query string only: parsed and re-encoded, so it can never
    turn a redirect into another path or host (no open redirect); too long or empty gives the bare list."""
    back = (back or "").strip().lstrip("?")
    if not back or len(back) > BACK_MAX:
        return ""
    try:
        return QueryDict(back).urlencode()
    except TooManyFieldsSent:
        return ""


def list_url(base: str, back: str | None) -> str:
    """`base` (a list page's path) with the view the user acted from, for 返回列表 and redirects after a write."""
    query = back_query(back)
    return f"{base}?{query}" if query else base


def pager(page_obj) -> dict:
    """What the shared pager (`_pager.html`) shows for a page: the page and the page numbers around it."""
    range_ = page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    return {"page_obj": page_obj, "page_range": range_}


def paged(request, items, *, per_page: int) -> dict:
    """The requested page (`?page=`) of `items`, for the shared pager."""
    return pager(Paginator(items, per_page).get_page(request.GET.get("page")))


def field_of(key: str) -> str:
    """The form field a service's error key names: its last part (`orders[0].owner` → `owner`,
    `self_pickup.picker_phone` → `picker_phone`)."""
    return key.rsplit(".", 1)[-1]


def refusal_to_form(form, refused: Refused, *, rename: dict[str, str] | None = None) -> None:
    """Show a refusal next to the field it concerns (or on top of the form), translated. `rename` maps a
    service's field name to the form's where they differ."""
    rename = rename or {}
    if not refused.errors:
        name = rename.get(refused.field, refused.field) if refused.field else None
        form.add_error(name if name in form.fields else None, refused.message)
        return
    for key, problem in refused.errors.items():
        name = rename.get(field_of(key), field_of(key))
        form.add_error(name if name in form.fields else None, problem_text(problem))


def item_errors(errors: dict[str, str]) -> list[tuple[int | None, str, str]]:
    """Errors of a list of items (`orders[3].lines[0].quantity` → problem) as (item index or None, field path
    within the item, problem code): for reporting an import by line."""
    rows = []
    for key, problem in errors.items():
        index = None
        if key.startswith("orders[") and "]" in key:
            head, _sep, key = key.partition("]")
            index = int(head.removeprefix("orders["))
            key = key.removeprefix(".")
        rows.append((index, key, problem))
    return rows
