"""`parcelback bench`: times product paths against a raw-SQL baseline in the same run and prints a table.

Run it on a scratch database (it adds its own shop, provider and orders):
    PARCELBACK_DATA_DIR=/tmp/pb-bench parcelback migrate && PARCELBACK_DATA_DIR=/tmp/pb-bench parcelback bench
"""
import statistics
import time
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import Membership, Organisation, Role, Warehouse
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import CargoOwner, OrderLine, PickupMethod, ReverseOrder


class Command(BaseCommand):
    help = "Measure batch pickup registration (1,000 orders) against raw SQL, and its query count against 10."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--size", type=int, default=1000)

    def handle(self, *args, repeat, size, **options):
        tag = uuid.uuid4().hex[:8]
        actor, world = self.setup(tag)
        product, raw, queries = [], [], {}
        for run in range(repeat):
            numbers = self.orders(world, size, f"{tag}p{run}")
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                services.register_pickup(actor=actor, numbers=numbers, details=self.details())
                product.append(time.perf_counter() - started)
            queries[size] = len(captured)
            ids = list(ReverseOrder.objects.filter(number__in=self.orders(world, size, f"{tag}r{run}")).values_list("id", flat=True))
            started = time.perf_counter()
            self.raw_register(ids, actor.user_id)
            raw.append(time.perf_counter() - started)
        small = self.orders(world, 10, f"{tag}s")
        with CaptureQueriesContext(connection) as captured:
            services.register_pickup(actor=actor, numbers=small, details=self.details())
        queries[10] = len(captured)
        p50, r50 = statistics.median(product), statistics.median(raw)
        self.stdout.write(f"database: {connection.vendor}  orders in table: {ReverseOrder.objects.count()}")
        self.stdout.write(f"{'path':<34}{'median ms':>10}{'max ms':>10}{'raw ms':>10}{'ratio':>8}{'queries':>9}")
        self.stdout.write(
            f"{'batch pickup, %d orders' % size:<34}{p50 * 1000:>10.1f}{max(product) * 1000:>10.1f}{r50 * 1000:>10.1f}"
            f"{p50 / r50:>8.2f}{queries[size]:>9}"
        )
        self.stdout.write(f"{'batch pickup, 10 orders':<34}{'':>38}{queries[10]:>9}")

    @staticmethod
    def details():
        return batch.PickupDetails(
            method=PickupMethod.SELF_PICKUP,
            self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000"),
        )

    @transaction.atomic
    def setup(self, tag: str):
        shop = Organisation.objects.create(code=f"bench-shop-{tag}", name="Bench shop", kind="shop")
        provider = Organisation.objects.create(code=f"bench-prov-{tag}", name="Bench provider", kind="provider")
        warehouse = Warehouse.objects.create(code=f"bench-wh-{tag}", name="Bench warehouse", provider=provider)
        owner, _ = CargoOwner.objects.get_or_create(external_id="BENCH", defaults={"name": "Bench owner"})
        user = get_user_model().objects.create(username=f"bench-{tag}")
        Membership.objects.create(user=user, organisation=shop, role=Role.MERCHANT_OPERATOR)
        return actor_for(user), (shop, provider, warehouse, owner)

    @staticmethod
    @transaction.atomic
    def orders(world, count: int, prefix: str) -> list[str]:
        shop, provider, warehouse, owner = world
        now = timezone.now()
        made = ReverseOrder.objects.bulk_create(
            ReverseOrder(
                number=f"BN{prefix}{i:05d}", external_ref=f"{prefix}-{i}", shop=shop, provider=provider,
                warehouse=warehouse, owner=owner, reverse_type="customs_return", business_mode="pop",
                arrived_at=now, instruction_deadline=now + timedelta(days=15),
            )
            for i in range(count)
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=o, product_id="1", product_name="眼罩", goods_id="2", goods_name="眼罩", quantity=1) for o in made
        )
        return [o.number for o in made]

    @staticmethod
    @transaction.atomic
    def raw_register(ids: list[int], user_id: int) -> None:
        """The floor: the same writes as bare SQL (status update, registration, event and outbox rows)."""
        now = timezone.now()
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
