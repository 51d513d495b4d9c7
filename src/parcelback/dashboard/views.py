"""数据看板: the shop's and the provider's landing page, every figure a link to its list."""
import csv
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from parcelback.accounts import selectors as account_selectors
from parcelback.accounts.models import Role
from parcelback.core.console import page
from . import figures, snapshots


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(label=gettext_lazy("期间"), coerce=int, required=False)
    warehouse = forms.ChoiceField(label=gettext_lazy("仓库"), required=False)

    def __init__(self, *args, warehouses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(d, _("最近 %(days)s 天") % {"days": d}) for d in figures.PERIODS]
        self.fields["warehouse"].choices = [("", _("全部仓库")), *((w.code, w.name) for w in warehouses)]


@login_required
@require_GET
def dashboard(request):
    actor = request.actor
    is_provider = actor.role == Role.PROVIDER_OPERATOR
    form = PeriodForm(request.GET, warehouses=account_selectors.filter_warehouses(actor=actor))
    if not form.is_valid():
        return page(request, "dashboard/dashboard.html", {"form": form, "is_provider_dashboard": is_provider}, status=400)
    warehouse, days = form.cleaned_data["warehouse"], form.cleaned_data["days"] or figures.DEFAULT_PERIOD
    view = urlencode({k: v for k, v in (("days", days), ("warehouse", warehouse)) if v})
    if request.GET.get("refresh"):  # 立即刷新: count now, then show the view's own address
        snapshots.snapshot(actor, warehouse=warehouse, days=days, refresh=True)
        return redirect(f"{request.path}?{view}")
    shown = snapshots.snapshot(actor, warehouse=warehouse, days=days)
    charts = shown.charts
    if wanted := request.GET.get("csv"):
        chart = next((c for c in charts if c.key == wanted), None)
        if chart is not None:
            return chart_csv(chart)
    return page(
        request,
        "dashboard/dashboard.html",
        {
            "form": form, "tiles": shown.tiles, "charts": charts, "is_provider_dashboard": is_provider,
            "chart_data": shown.specs, "as_of": timezone.localtime(shown.as_of),
            "fresh_minutes": round(settings.PARCELBACK_DASHBOARD_FRESH_SECONDS / 60),
            "refresh_query": f"{view}&refresh=1",
        },
    )


def chart_csv(chart: figures.Chart) -> HttpResponse:
    """One chart's table as CSV (UTF-8 with a BOM, so Excel reads the Chinese labels)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{chart.key}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    header, rows = chart.table()
    writer.writerow([chart.title, *header])
    for category, points, orders in rows:
        measured = [orders] if len(header) > len(points) else []
        writer.writerow([category, *("" if p.value is None else p.value for p in points), *measured])
    return response
