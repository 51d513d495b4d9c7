"""The write paths (a batch pickup, the provider's bulk create over the API), timed against the same rows written in bare SQL."""
import json
import time
import uuid
from datetime import timedelta

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import ApiToken, Warehouse
from parcelback.bench.context import Run, Sizes, World
from parcelback.bench.measure import QueryCounter, bare_insert, db_row, insert_columns, median, p95
from parcelback.bench.report import Row, ms
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import Event, OrderLine, PickupMethod, ReverseOrder
from parcelback.reverse_orders.serializers import order_data
from parcelback.webhooks.models import OutboxMessage

# --- batch pickup --------------------------------------------------------------------------------------------


@transaction.atomic
def fresh_orders(world: World, count: int, prefix: str) -> list[str]:
    """Fresh orders awaiting instruction in the bench shop, for one batch."""
    now = timezone.now()
    made = ReverseOrder.objects.bulk_create(
        ReverseOrder(
            number=f"BN{prefix}{i:05d}", external_ref=f"{prefix}-{i}", shop=world.shop, provider=world.provider,
            warehouse=world.warehouse, owner=world.owner, reverse_type="customs_return", business_mode="pop",
            arrived_at=now, instruction_deadline=now + timedelta(days=15),
        )
        for i in range(count)
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=o, product_id="1", product_name="眼罩", goods_id="2", goods_name="眼罩", quantity=1) for o in made
    )
    return [o.number for o in made]


def batch_pickup(run: Run, sizes: Sizes) -> Row:
    actor, size = run.world.actor, sizes.batch
    product, raw = [], []
    queries = QueryCounter()
    for repetition in range(sizes.batch_repeat):
        numbers = fresh_orders(run.world, size, f"{run.tag}p{repetition}")
        queries.count = 0
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            services.register_pickup(actor=actor, numbers=numbers, details=pickup_details())
        product.append(time.perf_counter() - started)
        ids = list(
            ReverseOrder.objects.filter(number__in=fresh_orders(run.world, size, f"{run.tag}r{repetition}")).values_list("id", flat=True)
        )
        started = time.perf_counter()
        raw_register(ids, actor.user_id)
        raw.append(time.perf_counter() - started)
    many = queries.count
    small = QueryCounter()
    numbers = fresh_orders(run.world, 10, f"{run.tag}s")
    with connection.execute_wrapper(small):
        services.register_pickup(actor=actor, numbers=numbers, details=pickup_details())
    ratio = median(product) / median(raw)
    return Row(
        f"batch pickup, {size:,} orders", ms(median(product)), ms(p95(product)), ms(median(raw)), f"{ratio:.2f}×",
        f"{many} (10 orders: {small.count})", "≤ 5× raw, queries as for 10", f"{ratio:.2f}×, {many} vs {small.count}",
        ratio <= 5 and many == small.count,
    )


def pickup_details():
    return batch.PickupDetails(
        method=PickupMethod.SELF_PICKUP,
        self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
    )


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


# --- the provider's bulk create ------------------------------------------------------------------------------


def bulk_create(run: Run, sizes: Sizes) -> Row:
    """The provider's API create (calls of bulk_size orders) against the same rows inserted with bare SQL."""
    _token, secret = ApiToken.issue(user=run.provider, name=f"bench {run.tag}")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
    warehouse = Warehouse.objects.filter(provider=actor_for(run.provider).organisation).order_by("code").first()
    shop = run.world.shop
    product, raw = [], []
    queries = QueryCounter()
    for call in range(sizes.bulk_calls):
        body = json.dumps({"orders": [new_order(run, shop, warehouse, f"{call}-{i}") for i in range(sizes.bulk_size)]})
        queries.count = 0
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = api.post("/api/v1/reverse-orders", body, content_type="application/json")
        product.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise CommandError(f"POST /api/v1/reverse-orders: {response.status_code} {response.content[:300]!r}")
        rows = raw_rows(run, shop, warehouse, call, sizes.bulk_size)
        started = time.perf_counter()
        raw_insert(*rows)
        raw.append(time.perf_counter() - started)
    ratio = median(product) / median(raw)
    return Row(
        f"provider bulk create via API, {sizes.bulk_calls} calls × {sizes.bulk_size:,} orders (per call)",
        ms(median(product)), ms(p95(product)), ms(median(raw)), f"{ratio:.2f}×", str(queries.count),
        "≤ 2× raw", f"{ratio:.2f}×", ratio <= 2,
    )


def new_order(run: Run, shop, warehouse, ref: str) -> dict:
    return {
        "external_ref": f"bench-{run.tag}-{ref}", "shop": shop.code, "warehouse": warehouse.code,
        "reverse_type": "customs_return", "business_mode": "pop",
        "owner": {"id": "BENCH", "name": "Bench owner"},
        "sales_return_no": f"ST{ref}", "order_no": f"69{ref}", "inbound_tracking_number": f"EM{ref}CN", "reason": "",
        "lines": [
            {"product_id": "3501", "product_name": "眼罩", "goods_id": "70001", "goods_name": "蒸汽眼罩 12片", "quantity": 1},
            {"product_id": "3502", "product_name": "洗发水", "goods_id": "70002", "goods_name": "洗发水 500ml", "quantity": 2},
        ],
    }


def raw_rows(run: Run, shop, warehouse, call: int, count: int):
    """The rows the API call writes (orders, lines, events, outbox), prepared before the clock starts."""
    now = timezone.now()
    owner = run.world.owner
    orders, lines, events, outbox = [], [], [], []
    for i in range(count):
        ref = f"r{call}-{i}"
        order = ReverseOrder(
            number=f"BR{run.tag}{call:02d}{i:05d}", external_ref=f"bench-{run.tag}-{ref}", shop=shop,
            provider_id=warehouse.provider_id, warehouse=warehouse, owner=owner, reverse_type="customs_return",
            business_mode="pop", sales_return_no=f"ST{ref}", order_no=f"69{ref}", inbound_tracking_number=f"EM{ref}CN",
            instruction_deadline=now + timedelta(days=15), created_at=now, updated_at=now,
        )
        order_lines = [OrderLine(order=order, **line) for line in new_order(run, shop, warehouse, ref)["lines"]]
        orders.append(order)
        lines += [(i, line) for line in order_lines]
        events.append((i, Event(order=order, kind="created", actor_id=run.provider.pk, actor_label="gen-provider", at=now)))
        order.listed_lines = order_lines
        data = order_data(order)
        outbox.append(
            OutboxMessage(
                event_type="reverse_order.created", order_number=order.number, shop_id=shop.pk,
                provider_id=warehouse.provider_id, payload={"type": "reverse_order.created", "timestamp": now.isoformat(), "data": data},
                created_at=now,
            )
        )
    order_columns = insert_columns(ReverseOrder)
    order_rows = [db_row(o, order_columns) for o in orders]

    def children(model, pairs):
        columns = [c for c in insert_columns(model) if c != "order_id"]
        return columns, [(i, db_row(obj, columns)) for i, obj in pairs]

    outbox_columns = insert_columns(OutboxMessage)
    return order_columns, order_rows, children(OrderLine, lines), children(Event, events), (
        outbox_columns, [db_row(m, outbox_columns) for m in outbox]
    )


@transaction.atomic
def raw_insert(order_columns, order_rows, lines, events, outbox) -> None:
    with connection.cursor() as cursor:
        ids = bare_insert(cursor, ReverseOrder, order_columns, order_rows, returning=True)
        for model, (columns, rows) in ((OrderLine, lines), (Event, events)):
            bare_insert(cursor, model, ["order_id", *columns], [(ids[i], *row) for i, row in rows])
        bare_insert(cursor, OutboxMessage, *outbox)
