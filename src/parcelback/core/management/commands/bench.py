"""`parcelback bench`: times the product's paths against a raw baseline in the same run, prints a table and
writes it to docs/PERFORMANCE.md (one section per database) with the machine, database, row count and commit.

It writes benchmark data (its own shop and orders, API-created orders, webhook deliveries) into the current
database: run it on a scratch one, e.g.
    PARCELBACK_DATA_DIR=/tmp/pb-bench parcelback migrate && PARCELBACK_DATA_DIR=/tmp/pb-bench parcelback bench --generate 200000
The read paths use the data of `parcelback generate`: gen-merchant runs the largest shop (30% of all orders),
gen-provider the first provider.
"""
import argparse
import json
import os
import random
import resource
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection, transaction
from django.db.models import Max
from django.http import QueryDict
from django.test import Client, override_settings
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import ApiToken, Membership, Organisation, Role, Warehouse
from parcelback.core import bench
from parcelback.core.bench import Row, median, ms, p95
from parcelback.core.pagination import encode_cursor
from parcelback.reverse_orders import batch, selectors, services
from parcelback.reverse_orders.filters import ORDERINGS
from parcelback.reverse_orders.models import CargoOwner, Event, OrderLine, PickupMethod, ReverseOrder
from parcelback.reverse_orders.serializers import order_data
from parcelback.webhooks import signing
from parcelback.webhooks.delivery import Senders, fan_out
from parcelback.webhooks.models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class Sizes:
    repeat: int  # timed runs of each read path
    batch: int  # orders in the batch pickup
    batch_repeat: int
    bulk_calls: int  # API calls of the provider's bulk create
    bulk_size: int  # orders per call
    export: int  # orders in the CSV export at most
    webhooks: int  # deliveries per worker run
    webhook_seconds: int  # a worker run stops after this long whatever happens


FULL = Sizes(repeat=50, batch=1000, batch_repeat=5, bulk_calls=10, bulk_size=1000, export=100_000, webhooks=2000, webhook_seconds=180)
QUICK = Sizes(repeat=3, batch=50, batch_repeat=2, bulk_calls=2, bulk_size=100, export=100_000, webhooks=40, webhook_seconds=60)

LIST_FILTER = {"tab": "customs_return", "status": "awaiting_instruction", "warehouse": "gen-wh-1-1"}
NEWEST_FIRST = ORDERINGS["-created"]
SENDERS = 8  # webhook senders per worker, as `parcelback worker` by default
GOODS_TERM = "红参"
RECEIVER_DELAY = 0.05  # seconds a "remote" webhook receiver takes to answer


class Command(BaseCommand):
    help = "Benchmark the product's paths against raw SQL in the same run; print a table and write docs/PERFORMANCE.md."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="a smoke run: few repeats, small sizes")
        parser.add_argument("--output", default="docs/PERFORMANCE.md", help="the report (default docs/PERFORMANCE.md)")
        parser.add_argument(
            "--generate", type=int, default=0, metavar="N", help="first generate orders until the database holds N"
        )
        parser.add_argument("--repeat", type=int, help="timed runs of each read path (default 50, quick 3)")
        # A child process of the benchmark itself (the export's memory, webhook workers).
        parser.add_argument("--child", choices=["export", "worker"], help=argparse.SUPPRESS)
        parser.add_argument("--child-arg", default="{}", help=argparse.SUPPRESS)

    def handle(self, *args, quick, output, generate, repeat, child, child_arg, **options):
        if child:
            return getattr(self, f"{child}_child")(**json.loads(child_arg))
        sizes = QUICK if quick else FULL
        if repeat:
            sizes = Sizes(**{**vars(sizes), "repeat": repeat})
        have = ReverseOrder.objects.count()
        if generate > have:
            call_command("generate", orders=generate - have, stdout=self.stdout)
        User = get_user_model()
        users = {u.username: u for u in User.objects.filter(username__in=["gen-merchant", "gen-provider"])}
        if len(users) < 2:
            raise CommandError("No generated data: run `parcelback generate --orders N` first, or pass --generate N.")
        self.merchant, self.provider = users["gen-merchant"], users["gen-provider"]
        self.tag = uuid.uuid4().hex[:8]
        started, load = timezone.now(), os.getloadavg()[0]
        orders, lines = ReverseOrder.objects.count(), OrderLine.objects.count()
        self.world = self.setup()
        # The per-token rate limit stays on (its cost is part of the path); only its ceiling is out of the way.
        with override_settings(PARCELBACK_API_RATE="1000000/min"):
            rows = [*self.reads(sizes), self.batch_pickup(sizes), self.bulk_create(sizes), self.export(sizes), *self.webhooks(sizes)]
        path = Path(output)
        report = self.report(rows, quick=quick, sizes=sizes, started=started, orders=orders, lines=lines, load=load, path=path)
        self.stdout.write(report)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bench.replace_section(path.read_text() if path.exists() else "", connection.vendor, report))
        self.stdout.write(f"Wrote {path}")

    def report(self, rows, *, quick, sizes, started, orders, lines, load, path: Path) -> str:
        title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
        return "\n".join(
            [
                f"## {title}" + (" — quick smoke run, not a measurement" if quick else ""),
                "",
                f"- **Machine**: {bench.machine()}; load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
                f"- **Database**: {bench.database()}",
                f"- **Rows**: {orders:,} reverse orders, {lines:,} goods lines (before the run)",
                f"- **Commit**: {bench.commit(path)}",
                f"- **Date**: {started:%Y-%m-%d %H:%M} UTC, {(timezone.now() - started).total_seconds():.0f} s;"
                f" {sizes.repeat} timed runs per read path",
                "",
                bench.table(rows),
                "",
                "Reads are gen-merchant's (the largest shop) through `django.test.Client` in-process (no server, no"
                f" network); the list filter is {urlencode(LIST_FILTER)}, newest first, 50 a page. *raw* replays the"
                " SQL the path sent through a bare cursor (+ `json.dumps` for the API). The batch and the bulk create"
                " are compared with the same rows written by bare SQL. The export runs in a child process whose peak"
                " RSS is reported. Webhook workers are separate processes running the worker's fan-out and delivery"
                f" ({SENDERS} senders each) against a receiver on 127.0.0.1 that answers at once, then in"
                f" {RECEIVER_DELAY * 1000:.0f} ms; deliveries are released together once every worker is up.",
            ]
        )

    # --- data of our own --------------------------------------------------------------------------------

    @transaction.atomic
    def setup(self):
        tag = self.tag
        shop = Organisation.objects.create(code=f"bench-shop-{tag}", name="Bench shop", kind="shop")
        provider = Organisation.objects.create(code=f"bench-prov-{tag}", name="Bench provider", kind="provider")
        warehouse = Warehouse.objects.create(code=f"bench-wh-{tag}", name="Bench warehouse", provider=provider)
        owner, _ = CargoOwner.objects.get_or_create(external_id="BENCH", defaults={"name": "Bench owner"})
        user = get_user_model().objects.create(username=f"bench-{tag}")
        Membership.objects.create(user=user, organisation=shop, role=Role.MERCHANT_OPERATOR)
        return {"actor": actor_for(user), "shop": shop, "provider": provider, "warehouse": warehouse, "owner": owner}

    @transaction.atomic
    def orders(self, count: int, prefix: str) -> list[str]:
        """Fresh orders awaiting instruction in the bench shop, for one batch."""
        w = self.world
        now = timezone.now()
        made = ReverseOrder.objects.bulk_create(
            ReverseOrder(
                number=f"BN{prefix}{i:05d}", external_ref=f"{prefix}-{i}", shop=w["shop"], provider=w["provider"],
                warehouse=w["warehouse"], owner=w["owner"], reverse_type="customs_return", business_mode="pop",
                arrived_at=now, instruction_deadline=now + timedelta(days=15),
            )
            for i in range(count)
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=o, product_id="1", product_name="眼罩", goods_id="2", goods_name="眼罩", quantity=1) for o in made
        )
        return [o.number for o in made]

    # --- reads --------------------------------------------------------------------------------------------

    def reads(self, sizes: Sizes) -> list[Row]:
        actor = actor_for(self.merchant)
        _token, secret = ApiToken.issue(user=self.merchant, name=f"bench {self.tag}")
        api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
        console = Client(HTTP_HOST="127.0.0.1")
        console.force_login(self.merchant)  # not login(): django-axes wants a request there

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

        listed = self.timed("list API, first page (tab+status+warehouse)", get(api, "/api/v1/reverse-orders", LIST_FILTER),
                            sizes, as_json=True, limit=3, p95_ms=100)
        html = self.timed("HTML list page, same filter", get(console, "/orders/", LIST_FILTER), sizes, limit=5, p95_ms=250)
        first = self.timed("list API, first page (whole shop)", get(api, "/api/v1/reverse-orders", {}), sizes, as_json=True)
        deep = self.timed(
            f"list API, deep page (cursor at 90% of {len(numbers):,})",
            get(api, "/api/v1/reverse-orders", {"cursor": encode_cursor(NEWEST_FIRST, deep_row)}),
            sizes, as_json=True,
        )
        deep_ratio = median(deep.times) / median(first.times)
        deep.row.target, deep.row.measured, deep.row.met = "≤ 1.5× first page", f"{deep_ratio:.2f}× first page", deep_ratio <= 1.5
        searched = self.timed(
            f"list API, {len(pasted)} pasted numbers",
            get(api, "/api/v1/reverse-orders", {"numbers": "\n".join(pasted)}), sizes, as_json=True,
        )
        goods = self.timed(
            f"list API, goods name contains “{GOODS_TERM}”", get(api, "/api/v1/reverse-orders", {"goods": GOODS_TERM}), sizes, as_json=True
        )
        counts = self.timed(
            "tab counts (selectors.tab_counts), same filter",
            lambda: selectors.tab_counts(actor=actor, params=counts_params), sizes,
        )
        return [m.row for m in (listed, html, first, deep, searched, goods, counts)]

    def timed(
        self, label: str, call, sizes: Sizes, *, as_json: bool = False, limit: float | None = None, p95_ms: int | None = None
    ) -> "Timed":
        """Time `call` against a bare replay of the SQL it sent, interleaved in the same run; `limit` is the
        target ratio to raw, `p95_ms` the target for a person waiting (the issue sets it on PostgreSQL)."""
        call()  # warm caches and lazy imports; the recorded run is a steady one
        recorder = bench.Recorder()
        with connection.execute_wrapper(recorder):
            call()

        def raw():
            bench.replay(recorder.statements, as_json=as_json)

        raw()
        times, raw_times = bench.interleaved(call, raw, sizes.repeat)
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

    # --- writes -------------------------------------------------------------------------------------------

    def batch_pickup(self, sizes: Sizes) -> Row:
        actor, size = self.world["actor"], sizes.batch
        product, raw = [], []
        queries = bench.QueryCounter()
        for run in range(sizes.batch_repeat):
            numbers = self.orders(size, f"{self.tag}p{run}")
            queries.count = 0
            started = time.perf_counter()
            with connection.execute_wrapper(queries):
                services.register_pickup(actor=actor, numbers=numbers, details=self.pickup_details())
            product.append(time.perf_counter() - started)
            ids = list(
                ReverseOrder.objects.filter(number__in=self.orders(size, f"{self.tag}r{run}")).values_list("id", flat=True)
            )
            started = time.perf_counter()
            self.raw_register(ids, actor.user_id)
            raw.append(time.perf_counter() - started)
        many = queries.count
        small = bench.QueryCounter()
        numbers = self.orders(10, f"{self.tag}s")
        with connection.execute_wrapper(small):
            services.register_pickup(actor=actor, numbers=numbers, details=self.pickup_details())
        ratio = median(product) / median(raw)
        return Row(
            f"batch pickup, {size:,} orders", ms(median(product)), ms(p95(product)), ms(median(raw)), f"{ratio:.2f}×",
            f"{many} (10 orders: {small.count})", "≤ 5× raw, queries as for 10", f"{ratio:.2f}×, {many} vs {small.count}",
            ratio <= 5 and many == small.count,
        )

    @staticmethod
    def pickup_details():
        return batch.PickupDetails(
            method=PickupMethod.SELF_PICKUP,
            self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
        )

    @staticmethod
    @transaction.atomic
    def raw_register(ids: list[int], user_id: int) -> None:
        """The floor: the same writes as bare SQL (status update, registration, event and outbox rows)."""
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        marks = ",".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE reverse_orders_reverseorder SET status='awaiting_pickup', pickup_method='self_pickup', updated_at=%s"
                f" WHERE id IN ({marks}) AND status='awaiting_instruction'",
                [now, *ids],
            )
            cursor.executemany(
                "INSERT INTO reverse_orders_pickupregistration (order_id, method, expected_pickup_at, picker_name,"
                " picker_phone, recipient_name, recipient_phone, country, province, city, district, street, postcode,"
                " remark, pickup_code_hash, registered_by_id, created_at)"
                " VALUES (%s,'self_pickup',%s,'张三','13800138000','','','','','','','','','','h',%s,%s)",
                [(i, now, user_id, now) for i in ids],
            )
            cursor.executemany(
                "INSERT INTO reverse_orders_event (order_id, kind, actor_id, actor_label, at, data)"
                " VALUES (%s,'pickup_registered',%s,'bench',%s,'{}')",
                [(i, user_id, now) for i in ids],
            )
            cursor.executemany(
                "INSERT INTO webhooks_outboxmessage (message_id, event_type, order_number, shop_id, provider_id, payload,"
                " created_at) SELECT %s, 'reverse_order.pickup_registered', number, shop_id, provider_id, '{}', %s"
                " FROM reverse_orders_reverseorder WHERE id=%s",
                [(uuid.uuid4().hex, now, i) for i in ids],
            )

    def bulk_create(self, sizes: Sizes) -> Row:
        """The provider's API create (calls of bulk_size orders) against the same rows inserted with bare SQL."""
        _token, secret = ApiToken.issue(user=self.provider, name=f"bench {self.tag}")
        api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
        warehouse = Warehouse.objects.filter(provider=actor_for(self.provider).organisation).order_by("code").first()
        shop = self.world["shop"]
        product, raw = [], []
        queries = bench.QueryCounter()
        for call in range(sizes.bulk_calls):
            body = json.dumps({"orders": [self.new_order(shop, warehouse, f"{call}-{i}") for i in range(sizes.bulk_size)]})
            queries.count = 0
            started = time.perf_counter()
            with connection.execute_wrapper(queries):
                response = api.post("/api/v1/reverse-orders", body, content_type="application/json")
            product.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise CommandError(f"POST /api/v1/reverse-orders: {response.status_code} {response.content[:300]!r}")
            rows = self.raw_rows(shop, warehouse, call, sizes.bulk_size)
            started = time.perf_counter()
            self.raw_insert(*rows)
            raw.append(time.perf_counter() - started)
        ratio = median(product) / median(raw)
        return Row(
            f"provider bulk create via API, {sizes.bulk_calls} calls × {sizes.bulk_size:,} orders (per call)",
            ms(median(product)), ms(p95(product)), ms(median(raw)), f"{ratio:.2f}×", str(queries.count),
            "≤ 2× raw", f"{ratio:.2f}×", ratio <= 2,
        )

    def new_order(self, shop, warehouse, ref: str) -> dict:
        return {
            "external_ref": f"bench-{self.tag}-{ref}", "shop": shop.code, "warehouse": warehouse.code,
            "reverse_type": "customs_return", "business_mode": "pop",
            "owner": {"id": "BENCH", "name": "Bench owner"},
            "sales_return_no": f"ST{ref}", "order_no": f"69{ref}", "inbound_tracking_number": f"EM{ref}CN", "reason": "",
            "lines": [
                {"product_id": "3501", "product_name": "眼罩", "goods_id": "70001", "goods_name": "蒸汽眼罩 12片", "quantity": 1},
                {"product_id": "3502", "product_name": "洗发水", "goods_id": "70002", "goods_name": "洗发水 500ml", "quantity": 2},
            ],
        }

    def raw_rows(self, shop, warehouse, call: int, count: int):
        """The rows the API call writes (orders, lines, events, outbox), prepared before the clock starts."""
        now = timezone.now()
        owner = self.world["owner"]
        orders, lines, events, outbox = [], [], [], []
        for i in range(count):
            ref = f"r{call}-{i}"
            order = ReverseOrder(
                number=f"BR{self.tag}{call:02d}{i:05d}", external_ref=f"bench-{self.tag}-{ref}", shop=shop,
                provider_id=warehouse.provider_id, warehouse=warehouse, owner=owner, reverse_type="customs_return",
                business_mode="pop", sales_return_no=f"ST{ref}", order_no=f"69{ref}", inbound_tracking_number=f"EM{ref}CN",
                instruction_deadline=now + timedelta(days=15), created_at=now, updated_at=now,
            )
            order_lines = [OrderLine(order=order, **line) for line in self.new_order(shop, warehouse, ref)["lines"]]
            orders.append(order)
            lines += [(i, line) for line in order_lines]
            events.append((i, Event(order=order, kind="created", actor_id=self.provider.pk, actor_label="gen-provider", at=now)))
            order.listed_lines = order_lines
            data = order_data(order)
            outbox.append(
                OutboxMessage(
                    event_type="reverse_order.created", order_number=order.number, shop_id=shop.pk,
                    provider_id=warehouse.provider_id, payload={"type": "reverse_order.created", "timestamp": now.isoformat(), "data": data},
                    created_at=now,
                )
            )
        order_columns = bench.insert_columns(ReverseOrder)
        order_rows = [bench.db_row(o, order_columns) for o in orders]

        def children(model, pairs):
            columns = [c for c in bench.insert_columns(model) if c != "order_id"]
            return columns, [(i, bench.db_row(obj, columns)) for i, obj in pairs]

        outbox_columns = bench.insert_columns(OutboxMessage)
        return order_columns, order_rows, children(OrderLine, lines), children(Event, events), (
            outbox_columns, [bench.db_row(m, outbox_columns) for m in outbox]
        )

    @staticmethod
    @transaction.atomic
    def raw_insert(order_columns, order_rows, lines, events, outbox) -> None:
        with connection.cursor() as cursor:
            ids = bench.bare_insert(cursor, ReverseOrder, order_columns, order_rows, returning=True)
            for model, (columns, rows) in ((OrderLine, lines), (Event, events)):
                bench.bare_insert(cursor, model, ["order_id", *columns], [(ids[i], *row) for i, row in rows])
            bench.bare_insert(cursor, OutboxMessage, *outbox)

    # --- the export, in a child process so its peak memory is its own --------------------------------------

    def export(self, sizes: Sizes) -> Row:
        newest = selectors.visible_orders(actor_for(self.merchant)).order_by(*NEWEST_FIRST)
        total = newest.count()
        params = {}
        if total > sizes.export:  # the newest `export` orders: from the created time of the last one
            params["time_from"] = newest.only("created_at")[sizes.export - 1].created_at.isoformat()
        process = bench.child("export", {"user": self.merchant.username, "query": urlencode(params)})
        out, _err = process.communicate(timeout=1800)
        if process.returncode:
            raise CommandError(f"export child failed ({process.returncode}): {out[-500:]}")
        result = json.loads(out.strip().splitlines()[-1])
        peak = result["peak_kb"] / 1024
        return Row(
            f"CSV export, {result['rows']:,} orders ({result['bytes'] / 1e6:,.0f} MB), {result['how']}",
            ms(result["seconds"]), queries=str(result["queries"]), target="peak RSS < 200 MB",
            measured=f"{peak:,.0f} MB (at start {result['start_kb'] / 1024:,.0f} MB)", met=peak < 200,
        )

    def export_child(self, *, user: str, query: str) -> None:
        """The export as the product does it for this many rows: streamed in the request, or (above
        PARCELBACK_EXPORT_STREAM_MAX) confirmed, queued and written by the worker's job, run here."""
        from parcelback.reverse_orders import jobs
        from parcelback.reverse_orders.models import ExportJob

        start_kb = bench.peak_rss_kb()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=user))
        queries = bench.QueryCounter()
        size = lines = 0
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = client.get("/orders/export.csv?" + query)
            if response.streaming:
                how = "streamed, child process"
                for chunk in response.streaming_content:
                    size += len(chunk)
                    lines += chunk.count(b"\n")
                rows = lines - 1
            else:
                how = "worker job, child process"
                client.post("/orders/exports/", {"fmt": "csv", "params": query})
                job = ExportJob.objects.filter(user__username=user).latest("id")
                while job.state in (ExportJob.State.PENDING, ExportJob.State.RUNNING) and jobs.run_next_export():
                    job.refresh_from_db()
                if job.state != ExportJob.State.DONE:
                    raise CommandError(f"export job {job.pk} ended {job.state}")
                size, rows = job.file.size, job.rows_written
                job.file.delete()
        seconds = time.perf_counter() - started
        peak_kb = bench.peak_rss_kb()
        result = {"seconds": seconds, "bytes": size, "rows": rows, "queries": queries.count, "how": how,
                  "start_kb": start_kb, "peak_kb": peak_kb}
        self.stdout.write(json.dumps(result))

    # --- webhooks: separate worker processes against a local receiver ----------------------------------------

    def webhooks(self, sizes: Sizes) -> list[Row]:
        """One worker against four, with a receiver that answers at once (our own cost per delivery) and with one
        that takes RECEIVER_DELAY (a remote receiver: the senders mostly wait)."""
        receiver = bench.Receiver()
        endpoint = WebhookEndpoint.objects.create(organisation=self.world["shop"], url=receiver.url, secret=signing.new_secret())
        rows = []
        try:
            for delay in (0.0, RECEIVER_DELAY):
                receiver.delay = delay
                one = self.deliver(endpoint, receiver, sizes, workers=1)
                four = self.deliver(endpoint, receiver, sizes, workers=4)
                rows += self.webhook_rows(sizes, delay, one, four)
        finally:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
            receiver.stop()
        return rows

    @staticmethod
    def webhook_rows(sizes: Sizes, delay: float, one, four) -> list[Row]:
        receiver = f"a receiver answering in {delay * 1000:.0f} ms" if delay else "an instant receiver"
        rows = []
        for workers, (rate, delivered, attempts, duplicates, cpu, busy) in ((1, one), (4, four)):
            rows.append(
                Row(
                    f"webhooks to {receiver}, {workers} worker{'s' if workers > 1 else ''} × {SENDERS} senders:"
                    f" {delivered:,} of {sizes.webhooks:,} delivered, {attempts:,} attempts, workers' CPU {cpu:.1f} s,"
                    f" machine's CPU {busy:.0%} busy",
                    measured=f"{rate:,.0f}/s, {duplicates} duplicates",
                )
            )
        gain = four[0] / one[0] if one[0] else 0
        rows[1].target = "≥ 3× one worker, no duplicates"
        rows[1].measured = f"{four[0]:,.0f}/s = {gain:.2f}× one worker, {four[3]} duplicates"
        rows[1].met = gain >= 3 and one[3] == four[3] == 0 and one[1] == four[1] == sizes.webhooks
        return rows

    def deliver(self, endpoint, receiver, sizes: Sizes, *, workers: int) -> tuple[float, int, int, int, float, float]:
        """Queue `sizes.webhooks` deliveries held back, start the workers, release the deliveries at once and
        wait until all are delivered (or time is up).
        Returns (deliveries/s, delivered, attempts, duplicates, the workers' CPU seconds, the machine's busy share)."""
        sample = selectors.order_list(actor=self.world["actor"], params=QueryDict()).qs.first()
        payload = {"type": "reverse_order.created", "timestamp": timezone.now().isoformat(), "data": order_data(sample)}
        now = timezone.now()
        messages = OutboxMessage.objects.bulk_create(
            OutboxMessage(
                event_type="reverse_order.created", order_number=sample.number, shop_id=sample.shop_id,
                provider_id=sample.provider_id, payload=payload, created_at=now,
            )
            for _ in range(sizes.webhooks)
        )
        while fan_out(limit=1000):  # this and every other waiting message, so the workers only deliver
            pass
        ours = WebhookDelivery.objects.filter(endpoint=endpoint, message_id__in=[m.pk for m in messages])
        ours.update(next_attempt_at=now + timedelta(days=1))
        processes = [bench.child("worker", {"seconds": sizes.webhook_seconds}) for _ in range(workers)]
        try:
            for process in processes:
                if process.stdout.readline().strip() != "ready":
                    raise CommandError("a webhook worker did not start")
            released = timezone.now()
            ours.update(next_attempt_at=released)
            machine = bench.cpu_times()
            deadline = time.monotonic() + sizes.webhook_seconds
            while ours.filter(state=WebhookDelivery.State.PENDING).exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            busy = bench.busy_share(machine, bench.cpu_times())
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            cpu = sum(json.loads(process.communicate(timeout=60)[0].strip().splitlines()[-1])["cpu"] for process in processes)
        delivered = ours.filter(state=WebhookDelivery.State.DELIVERED)
        count = delivered.count()
        last = delivered.aggregate(last=Max("delivered_at"))["last"] or released
        seconds = max((last - released).total_seconds(), 1e-3)
        attempts = DeliveryAttempt.objects.filter(delivery__in=ours).count()
        ids = {f"msg_{m.message_id.hex}" for m in messages}
        with receiver.lock:
            duplicates = sum(n - 1 for key, n in receiver.seen.items() if key in ids and n > 1)
        return count / seconds, count, attempts, duplicates, cpu, busy

    def worker_child(self, *, seconds: float) -> None:
        """The worker's webhook loop (fan out, keep a pool of senders busy) until SIGTERM or `seconds`;
        the deadline sweep is left out so the benchmark data stays as generated."""
        running = [True]
        signal.signal(signal.SIGTERM, lambda *args: running.clear())
        deadline = time.monotonic() + seconds
        started = cpu_seconds()
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook") as pool:
            senders = Senders(pool, SENDERS)
            self.stdout.write("ready")
            self.stdout.flush()
            while running and time.monotonic() < deadline:
                close_old_connections()
                if not (fan_out() | senders.step(timeout=0.05) or senders.sending):
                    time.sleep(0.05)
            senders.finish()
        self.stdout.write(json.dumps({"cpu": cpu_seconds() - started}))  # CPU seconds of the rounds, not of starting up


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timed:
    row: Row
    times: list[float]
