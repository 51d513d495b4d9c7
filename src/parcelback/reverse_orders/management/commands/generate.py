"""`parcelback generate --orders N`: fill the database fast with a skewed, realistic mix, for benchmarks.

50 shops (the first holds 30% of all orders), 5 providers with 4 warehouses each, every reverse type,
status and exception state, 1–3 goods lines per order, creation times spread over the past year. Orders
carry their registrations, destruction confirmations, instruction and execution times and the exceptions
behind their exception states, so every status is consistent; they carry no
timeline events (those are written only by real actions).
"""
import random
import time
import uuid
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from parcelback.accounts.models import Membership, Organisation, Role, Warehouse
from parcelback.reverse_orders.management.commands.demo import GOODS, PASSWORD
from parcelback.reverse_orders.models import (
    BusinessMode,
    CargoOwner,
    DestructionConfirmation,
    ExceptionState,
    OrderException,
    OrderLine,
    PickupMethod,
    PickupRegistration,
    ReverseOrder,
    ReverseType,
    Status,
)
from parcelback.reverse_orders.services import allocate_numbers

SHOPS, PROVIDERS, WAREHOUSES_PER_PROVIDER = 50, 5, 4
OWNERS_PER_SHOP = 12
CHUNK = 5000
PICKUP_FATES = [
    (Status.AWAITING_INSTRUCTION, 35), (Status.AWAITING_PICKUP, 20), (Status.PICKED_UP, 20),
    (Status.FORWARDED, 20), (Status.CANCELLED, 5),
]
DESTROY_FATES = [(Status.AWAITING_INSTRUCTION, 35), (Status.AWAITING_DESTRUCTION, 20), (Status.DESTROYED, 40), (Status.CANCELLED, 5)]
EXCEPTIONS = [(ExceptionState.NONE, 85), (ExceptionState.PENDING, 8), (ExceptionState.RESOLVED, 7)]
GENERATED_EXCEPTION_TYPES = [t for t in OrderException.Type if t != OrderException.Type.OVERDUE]


def pick(rng: random.Random, weighted: list[tuple]) -> object:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class Command(BaseCommand):
    help = "Generate N reverse orders quickly (bulk inserts) with a realistic, skewed mix."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, orders, seed, **options):
        rng = random.Random(seed)
        shops, warehouses, owners, users = self.ensure_world()
        # The first shop holds 30% of all orders; the other 49 share the rest unevenly (a long tail).
        shop_weights = [30.0] + [70.0 * (1 / (i + 1)) / sum(1 / (j + 1) for j in range(SHOPS - 1)) for i in range(SHOPS - 1)]
        run = uuid.uuid4().hex[:6]
        started = time.perf_counter()
        done = 0
        while done < orders:
            size = min(CHUNK, orders - done)
            self.write_chunk(rng, run, done, size, shops, shop_weights, warehouses, owners, users)
            done += size
            rate = done / (time.perf_counter() - started)
            self.stdout.write(f"\r{done:,}/{orders:,} orders ({rate:,.0f}/s)", ending="")
            self.stdout.flush()
        with connection.cursor() as cursor:
            # Fresh statistics, or the planner picks poor indexes for the new volume; on PostgreSQL the visibility
            # map too (what autovacuum does after a bulk load), or index-only scans visit the table for every row.
            # (VACUUM cannot run inside a transaction: a test's, say.)
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.stdout.write(f"\nGenerated {orders:,} orders in {time.perf_counter() - started:.1f} s.")
        self.stdout.write(f"Log in as gen-merchant (the largest shop) or gen-provider (its first provider), password {PASSWORD}.")

    @transaction.atomic
    def ensure_world(self):
        shops = [
            Organisation.objects.get_or_create(code=f"gen-shop-{i:02d}", defaults={"name": f"生成店铺{i:02d}", "kind": "shop"})[0]
            for i in range(1, SHOPS + 1)
        ]
        warehouses = []
        for p in range(1, PROVIDERS + 1):
            provider, _ = Organisation.objects.get_or_create(
                code=f"gen-provider-{p}", defaults={"name": f"生成服务商{p}", "kind": "provider"}
            )
            for w in range(1, WAREHOUSES_PER_PROVIDER + 1):
                warehouses.append(
                    Warehouse.objects.get_or_create(
                        code=f"gen-wh-{p}-{w}", defaults={"name": f"生成集货仓{p}-{w}", "provider": provider}
                    )[0]
                )
        # Cargo owners belong to a shop: each shop has its own OWNERS_PER_SHOP (the same IDs at every shop).
        modes = list(BusinessMode)
        CargoOwner.objects.bulk_create(
            [
                CargoOwner(shop=shop, external_id=f"GEN-OWN-{i:03d}", name=f"生成货主{i:03d}")
                for shop in shops
                for i in range(OWNERS_PER_SHOP)
            ],
            ignore_conflicts=True,
        )
        owners = defaultdict(list)
        for owner in CargoOwner.objects.filter(shop__in=shops, external_id__startswith="GEN-OWN-").order_by("external_id"):
            owners[owner.shop_id].append((owner, modes[int(owner.external_id[-3:]) % 3]))
        User = get_user_model()
        users = {}
        for username, org, role in [("gen-merchant", shops[0], Role.MERCHANT_OPERATOR), ("gen-provider", warehouses[0].provider, Role.PROVIDER_OPERATOR)]:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, defaults={"organisation": org, "role": role})
            users[username] = user
        return shops, warehouses, owners, users

    @transaction.atomic
    def write_chunk(self, rng, run, offset, size, shops, shop_weights, warehouses, owners, users) -> None:
        now = timezone.now()
        chosen_shops = rng.choices(shops, weights=shop_weights, k=size)
        rows = []
        for i, shop in enumerate(chosen_shops):
            reverse_type = rng.choice(list(ReverseType))
            status = pick(rng, DESTROY_FATES if reverse_type == ReverseType.CUSTOMS_DESTROY else PICKUP_FATES)
            created = now - timedelta(seconds=rng.randint(0, 365 * 86400))
            arrived = None
            if status not in (Status.AWAITING_INSTRUCTION, Status.CANCELLED) or rng.random() < 0.7:
                arrived = created + timedelta(hours=rng.randint(12, 96))
                arrived = arrived if arrived < now else None
            if status in (Status.PICKED_UP, Status.FORWARDED, Status.DESTROYED) and arrived is None:
                status = Status.AWAITING_PICKUP if reverse_type != ReverseType.CUSTOMS_DESTROY else Status.AWAITING_DESTRUCTION
            method = None
            if status in (Status.AWAITING_PICKUP, Status.PICKED_UP, Status.FORWARDED):
                method = PickupMethod.FORWARD if status == Status.FORWARDED or rng.random() < 0.5 else PickupMethod.SELF_PICKUP
                status = Status.PICKED_UP if status == Status.PICKED_UP and method == PickupMethod.SELF_PICKUP else status
                status = Status.FORWARDED if status == Status.PICKED_UP and method == PickupMethod.FORWARD else status
            warehouse = rng.choice(warehouses)
            owner, mode = rng.choice(owners[shop.pk])
            instructed = executed = None
            if status not in (Status.AWAITING_INSTRUCTION, Status.CANCELLED):  # instructed within the 15 days, then executed
                instructed = min(now, (arrived or created) + timedelta(minutes=rng.randint(10, 14 * 1440)))
            if status in (Status.PICKED_UP, Status.FORWARDED, Status.DESTROYED):
                executed = min(now, instructed + timedelta(minutes=rng.randint(30, 8 * 1440)))
            moments = (created, arrived, instructed, executed)
            rows.append((shop, warehouse, owner, mode, reverse_type, status, method, moments))
        by_day = defaultdict(list)
        for row in rows:
            by_day[timezone.localdate(row[7][0])].append(row)
        orders = []
        for day, day_rows in by_day.items():
            numbers = allocate_numbers(len(day_rows), day)
            for number, (shop, warehouse, owner, mode, reverse_type, status, method, moments) in zip(numbers, day_rows):
                n = offset + len(orders)
                created, arrived, instructed, executed = moments
                last = max(m for m in moments if m is not None)
                orders.append(
                    ReverseOrder(
                        number=number, external_ref=f"GEN-{run}-{n}", shop=shop, provider_id=warehouse.provider_id,
                        warehouse=warehouse, owner=owner, reverse_type=reverse_type, business_mode=mode, status=status,
                        exception_state=pick(rng, EXCEPTIONS), pickup_method=method,
                        sales_return_no=f"ST{rng.randint(10**9, 10**10 - 1)}", order_no=f"69{rng.randint(10**10, 10**11 - 1)}",
                        inbound_tracking_number=f"EM{rng.randint(10**9, 10**10 - 1)}CN", arrived_at=arrived,
                        instruction_deadline=(arrived or created) + timedelta(days=15), created_at=created,
                        instructed_at=instructed, executed_at=executed,
                        updated_at=min(now, last + timedelta(hours=rng.randint(0, 48))),
                    )
                )
        ReverseOrder.objects.bulk_create(orders, batch_size=2000)
        lines = []
        for order in orders:
            for g in rng.sample(range(len(GOODS) - 1), rng.choice([1, 1, 2, 3])):
                lines.append(
                    OrderLine(order=order, product_id=str(3500 + g), product_name=GOODS[g], goods_id=str(70000 + g),
                              goods_name=GOODS[g], quantity=rng.randint(1, 4))
                )
        OrderLine.objects.bulk_create(lines, batch_size=4000)
        merchant_id = users["gen-merchant"].pk
        PickupRegistration.objects.bulk_create(
            [
                PickupRegistration(
                    order=o, method=o.pickup_method, registered_by_id=merchant_id, created_at=o.instructed_at,
                    **({"expected_pickup_at": o.instructed_at + timedelta(days=2), "picker_name": "张三", "picker_phone": "13800138000"}
                       if o.pickup_method == PickupMethod.SELF_PICKUP else
                       {"recipient_name": "李四", "recipient_phone": "13900001234", "country": "中国", "province": "浙江省",
                        "city": "杭州市", "street": "文一西路 969 号", "postcode": "311121"}),
                )
                for o in orders if o.pickup_method
            ],
            batch_size=2000,
        )
        DestructionConfirmation.objects.bulk_create(
            [
                DestructionConfirmation(order=o, confirmed_by_id=merchant_id, created_at=o.instructed_at)
                for o in orders if o.status in (Status.AWAITING_DESTRUCTION, Status.DESTROYED)
            ],
            batch_size=2000,
        )
        OrderException.objects.bulk_create(
            [self.exception(rng, o, now) for o in orders if o.exception_state != ExceptionState.NONE], batch_size=2000
        )

    @staticmethod
    def exception(rng: random.Random, order: ReverseOrder, now) -> OrderException:
        """The exception behind an order's exception state: raised by the system after it was created, resolved
        within days when the state says so."""
        raised = min(now, order.created_at + timedelta(minutes=rng.randint(60, 20 * 1440)))
        resolved = None if order.exception_state == ExceptionState.PENDING else min(now, raised + timedelta(hours=rng.randint(1, 120)))
        return OrderException(
            order=order, type=rng.choice(GENERATED_EXCEPTION_TYPES), description="generated", raised_at=raised,
            is_open=resolved is None, resolved_at=resolved,
        )
