"""数据看板 at volume: the page for the largest shop (gen-merchant) and the first provider (gen-provider) of
`parcelback generate`'s data, each period, and one stats API call per group, timed in-process with their query
counts; the plans of the page's slowest statements go into the report. It only reads (and issues one API token)."""
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from parcelback.accounts.models import ApiToken
from parcelback.dashboard.figures import PERIODS
from parcelback.reverse_orders.models import ReverseOrder
from parcelback.reverse_orders.stats import GROUPS

from .measure import QueryCounter, Recorder, median, p95
from .report import commit, database, machine, replace_section

PAGE_TARGET, STATS_TARGET = 0.300, 0.100  # p95, seconds (issue 14)
STATS = "/api/v1/reverse-orders/stats"


def timed(call, repeat: int) -> tuple[list[float], int]:
    """Seconds of each of `repeat` calls (after one warm-up) and the queries of one."""
    call()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times, counter.count


def get_ok(client: Client, path: str, params: dict):
    def call():
        response = client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
    return call


def slowest_plans(client: Client, path: str, params: dict, count: int) -> list[tuple[float, str, str]]:
    """(seconds, statement, plan) of the page's `count` slowest statements, each run again under EXPLAIN."""
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        client.get(path, params)
    timings = []
    with connection.cursor() as cursor:
        for sql, params_, many in recorder.statements:
            if many or not sql.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(sql, params_)
            cursor.fetchall()
            timings.append((time.perf_counter() - started, sql, params_))
        found = []
        for seconds, sql, params_ in sorted(timings, key=lambda t: t[0], reverse=True)[:count]:
            explain = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            cursor.execute(explain + sql, params_)
            plan = "\n".join(" | ".join(str(c) for c in row) if len(row) > 1 else str(row[0]) for row in cursor.fetchall())
            found.append((seconds, f"{sql}\n-- params: {list(params_ or [])}", plan))
    return found


def run(*, repeat: int, out, output: str | None = None) -> None:
    User = get_user_model()
    merchant, provider = User.objects.get(username="gen-merchant"), User.objects.get(username="gen-provider")
    shop_orders = ReverseOrder.objects.filter(shop=merchant.membership.organisation).count()
    provider_orders = ReverseOrder.objects.filter(provider=provider.membership.organisation).count()
    rows = []
    for user, who in ((merchant, "merchant"), (provider, "provider")):
        console = Client(HTTP_HOST="127.0.0.1")
        console.force_login(user)
        for days in PERIODS:
            with override_settings(PARCELBACK_DASHBOARD_FRESH_SECONDS=0):  # every view counts afresh
                times, queries = timed(get_ok(console, "/dashboard/", {"days": days}), repeat)
            rows.append((f"dashboard page, {who}, {days} days, counted live", times, queries, None))
            times, queries = timed(get_ok(console, "/dashboard/", {"days": days}), repeat)
            rows.append((f"dashboard page, {who}, {days} days, kept snapshot", times, queries, PAGE_TARGET))
    _token, secret = ApiToken.issue(user=merchant, name="bench dashboard")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    for group in GROUPS:
        times, queries = timed(get_ok(api, STATS, {"group_by": group}), repeat)
        rows.append((f"stats API, group_by={group}", times, queries, STATS_TARGET))
    console = Client(HTTP_HOST="127.0.0.1")
    console.force_login(merchant)
    with override_settings(PARCELBACK_DASHBOARD_FRESH_SECONDS=0):
        plans = slowest_plans(console, "/dashboard/", {"days": 365}, 3)
    stats_plans = [plan for group in ("week", "aging") for plan in slowest_plans(api, STATS, {"group_by": group}, 1)]
    for name, times, queries, target in rows:
        verdict = "" if target is None else "met" if p95(times) <= target else "MISSED"
        out.write(f"{name:<56} p50 {median(times) * 1000:7.1f} ms  p95 {p95(times) * 1000:7.1f} ms  {queries:>3} queries  {verdict}\n")
    if output:
        write_report(Path(output), rows, plans, stats_plans, shop_orders, provider_orders, repeat)


def plans_text(plans) -> list[str]:
    text = []
    for seconds, sql, plan in plans:
        text += [f"{seconds * 1000:.1f} ms:", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    return text


def write_report(path: Path, rows, plans, stats_plans, shop_orders: int, provider_orders: int, repeat: int) -> None:
    total = ReverseOrder.objects.count()
    table = ["| path | p50 ms | p95 ms | queries | target (p95) |", "|---|---|---|---|---|"]
    for name, times, queries, target in rows:
        verdict = "—" if target is None else f"{target * 1000:.0f} ms: " + ("met" if p95(times) <= target else "**missed**")
        table.append(f"| {name} | {median(times) * 1000:.1f} | {p95(times) * 1000:.1f} | {queries} | {verdict} |")
    vendor = database().split()[0].lower()
    body = "\n".join([
        f"## Dashboard and stats API ({database()})",
        "",
        f"- **Machine**: {machine()}",
        f"- **Rows**: {total:,} reverse orders; the largest shop (gen-merchant) holds {shop_orders:,}, the first provider"
        f" (gen-provider) {provider_orders:,}",
        f"- **Commit**: {commit(path)}; {timezone.now():%Y-%m-%d %H:%M} UTC; {repeat} timed runs each after a warm-up",
        "",
        *table,
        "",
        "`parcelback bench_dashboard` (in-process, Django's test client, no server): the whole page at each period,",
        "*counted live* (every figure counted for the request) and *kept snapshot* (what a person gets: the figures kept",
        "in the shared cache, which the worker refreshes before they are 5 minutes old); the stats API answering one",
        "group over all of the shop's orders, always live.",
        "",
        "<details><summary>Plans of the merchant page's three slowest statements (365 days)</summary>",
        "",
        *plans_text(plans),
        "</details>",
        "",
        "<details><summary>Plans of the stats API's week and aging counts</summary>",
        "",
        *plans_text(stats_plans),
        "</details>",
    ])
    text = path.read_text() if path.exists() else ""
    path.write_text(replace_section(text, f"dashboard-{vendor}", body))
