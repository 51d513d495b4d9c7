"""The read paths (list API and page, deep page, searches, tab counts), timed against a bare replay of their SQL."""
import random
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import ApiToken
from parcelback.bench.context import NEWEST_FIRST, Run, Sizes
from parcelback.bench.measure import Recorder, interleaved, median, p95, replay
from parcelback.bench.report import Row, ms
from parcelback.core.pagination import encode_cursor
from parcelback.reverse_orders import selectors

LIST_FILTER = {"tab": "customs_return", "status": "awaiting_instruction", "warehouse": "gen-wh-1-1"}
GOODS_TERM = "红参"


@dataclass
class Timed:
    row: Row
    times: list[float]


def measure(run: Run, sizes: Sizes) -> list[Row]:
    actor = actor_for(run.merchant)
    _token, secret = ApiToken.issue(user=run.merchant, name=f"bench {run.tag}")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    console = Client(HTTP_HOST="127.0.0.1")
    console.force_login(run.merchant)  # not login(): django-axes wants a request there

    newest = selectors.visible_orders(actor).order_by(*NEWEST_FIRST)
    numbers = list(newest.values_list("number", flat=True))
    deep_row = newest.only("created_at")[int(len(numbers) * 0.9)]
    pasted = random.Random(5).sample(numbers, min(100, len(numbers)))
    counts_params = QueryDict(mutable=True)
    counts_params.update(LIST_FILTER)

    def get(client, url, params):
        def call():
            response = client.get(url, params)
            if response.status_code != 200:
                raise CommandError(f"GET {url} {params}: {response.status_code} {response.content[:300]!r}")
            return response

        return call

    listed = timed("list API, first page (tab+status+warehouse)", get(api, "/api/v1/reverse-orders", LIST_FILTER),
                   sizes, as_json=True, limit=3, p95_ms=100)
    html = timed("HTML list page, same filter", get(console, "/orders/", LIST_FILTER), sizes, limit=5, p95_ms=250)
    first = timed("list API, first page (whole shop)", get(api, "/api/v1/reverse-orders", {}), sizes, as_json=True)
    deep = timed(
        f"list API, deep page (cursor at 90% of {len(numbers):,})",
        get(api, "/api/v1/reverse-orders", {"cursor": encode_cursor(NEWEST_FIRST, deep_row)}),
        sizes, as_json=True,
    )
    deep_ratio = median(deep.times) / median(first.times)
    deep.row.target, deep.row.measured, deep.row.met = "≤ 1.5× first page", f"{deep_ratio:.2f}× first page", deep_ratio <= 1.5
    searched = timed(
        f"list API, {len(pasted)} pasted numbers",
        get(api, "/api/v1/reverse-orders", {"numbers": "\n".join(pasted)}), sizes, as_json=True,
    )
    goods = timed(
        f"list API, goods name contains “{GOODS_TERM}”", get(api, "/api/v1/reverse-orders", {"goods": GOODS_TERM}), sizes, as_json=True
    )
    counts = timed(
        "tab counts (selectors.tab_counts), same filter",
        lambda: selectors.tab_counts(actor=actor, params=counts_params), sizes,
    )
    return [m.row for m in (listed, html, first, deep, searched, goods, counts)]


def timed(
    label: str, call, sizes: Sizes, *, as_json: bool = False, limit: float | None = None, p95_ms: int | None = None
) -> Timed:
    """Time `call` against a bare replay of the SQL it sent, interleaved in the same run; `limit` is the
    target ratio to raw, `p95_ms` the target for a person waiting (the issue sets it on PostgreSQL)."""
    call()  # warm caches and lazy imports; the recorded run is a steady one
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        call()

    def raw():
        replay(recorder.statements, as_json=as_json)

    raw()
    times, raw_times = interleaved(call, raw, sizes.repeat)
    ratio = median(times) / median(raw_times)
    row = Row(
        label, ms(median(times)), ms(p95(times)), ms(median(raw_times)), f"{ratio:.2f}×", str(len(recorder.statements))
    )
    if limit is not None:
        row.target, row.measured, row.met = f"≤ {limit:g}× raw", f"{ratio:.2f}×", ratio <= limit
    if p95_ms is not None and connection.vendor == "postgresql":
        row.target += f"; p95 < {p95_ms} ms"
        row.measured += f"; p95 {p95(times) * 1000:.0f} ms"
        row.met = row.met and p95(times) * 1000 < p95_ms
    return Timed(row, times)
