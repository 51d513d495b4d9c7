"""`parcelback demo`: a believable installation to click through, built through the real services."""
import random
import struct
import zlib
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import Membership, Organisation, Role, Warehouse
from parcelback.contacts.services import ContactDetails, save_contact
from parcelback.notifications.jobs import catch_up as notify_everyone
from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import BusinessMode, OrderException, PickupMethod, ReverseOrder, ReverseType

DEMO_CONTACTS = [
    ContactDetails(kind="picker", name="张三", phone="138 0013 8000"),
    ContactDetails(kind="picker", name="王小明", phone="139 1234 5678"),
    ContactDetails(
        kind="recipient", name="李四", phone="139 0000 1234", country="中国", province="浙江省", city="杭州市",
        district="余杭区", street="文一西路 969 号", postcode="311121",
    ),
    ContactDetails(
        kind="recipient", name="佐藤 花子", phone="+81 3 5500 1234", country="日本", province="東京都", city="千代田区",
        street="丸の内 1-1-1", postcode="100-0005",
    ),
]
PASSWORD = "demo12345"
SHOPS = [("shop1", "示例店铺一"), ("shop2", "示例店铺二")]
PROVIDERS = [("provider1", "东方集运服务商"), ("provider2", "西岸跨境物流")]
WAREHOUSES = [
    ("tokyo", "东京集货仓", "provider1", "日本东京都江东区有明 3-7"),
    ("sydney", "悉尼集货仓", "provider1", "Mascot NSW 2020, Australia"),
    ("los-angeles", "洛杉矶集货仓", "provider2", "Carson, CA 90746, USA"),
]
# What a picker needs to collect a parcel: opening hours (local time) and a phone at the warehouse.
WAREHOUSE_CONTACTS = {
    "tokyo": ("周一至周六 9:00–18:00(日本时间)", "+81 3 5500 1234"),
    "sydney": ("周一至周五 8:30–17:00(悉尼时间)", "+61 2 9700 5678"),
    "los-angeles": ("Mon–Fri 9:00–17:00 (PT)", "+1 310 555 0142"),
}
OWNERS = [
    ("OWN-1001", "花王株式会社", BusinessMode.CONSIGNMENT),
    ("OWN-1002", "Swisse Wellness", BusinessMode.CONSIGNMENT_SALE),
    ("OWN-1003", "资生堂", BusinessMode.CONSIGNMENT),
    ("OWN-1004", "Haleon", BusinessMode.CONSIGNMENT_SALE),
    ("OWN-2001", "示例店铺一", BusinessMode.POP),
    ("OWN-2002", "示例店铺二", BusinessMode.POP),
]
POP_OWNERS = {"shop1": OWNERS[4], "shop2": OWNERS[5]}
GOODS = [
    "日本花王 蒸汽眼罩 12片", "韩国 爱茉莉 洗发水 500ml", "澳洲 Swisse 钙片 150粒", "日本 资生堂 防晒乳 60ml",
    "美国 Centrum 善存 多维 100粒", "德国 Rossmann 维C泡腾片", "新西兰 a2 白金奶粉 900g", "法国 理肤泉 B5 修复霜 40ml",
    "日本 尤妮佳 纸尿裤 L码 54片", "韩国 正官庄 红参精 240g", "澳洲 Blackmores 深海鱼油 400粒", "意大利 Kiko 哑光口红 #103",
    "美国 Move Free 益节氨糖 80粒", "日本 DHC 深层卸妆油 200ml", "英国 Holland & Barrett 维生素D3", "日本 明治 奶粉 800g",
    # Proof that user text is escaped everywhere it is shown.
    "测试商品 <script>alert('xss')</script>",
]
# What a warehouse reports, what the merchant answers and how it ended, per exception type (they must match).
Type = OrderException.Type
DISPUTE_STORIES = {  # by what was done: destroyed (True), forwarded, picked up
    True: ("evidence", "销毁照片看不清单号,请补拍销毁过程视频"),
    PickupMethod.FORWARD: ("not_received", "收件人反馈未收到转寄包裹,请提供签收记录"),
    PickupMethod.SELF_PICKUP: ("mismatch", "提货时发现少了一件洗发水"),
}
EXCEPTION_STORIES = {
    Type.DAMAGED: [
        ("外箱破损,内件受潮", "请拍照确认内件情况", "内件完好,已重新包装"),
        ("外箱压扁,一瓶洗发水渗漏", "渗漏的一件请单独封装", "渗漏件已隔离封装,其余完好"),
    ],
    Type.INFORMATION_MISMATCH: [
        ("到仓货品与单据不符:单据 2 件,实收 1 件", "请核对退回运单的称重记录", "承运商确认少件,已补录差异"),
        ("面单上的订单号与系统不一致", "以系统单号为准,请贴新标签", "已重新贴标"),
    ],
    Type.LOST: [("系统显示已签收,仓内未找到包裹", "请调取签收当日监控", "已在退货区找到,已上架")],
    Type.OTHER: [("包裹内夹带非本单商品一件", "多出的商品请另行登记", "已另建单据处理")],
}
USERS = [
    ("merchant1", "shop1", Role.MERCHANT_OPERATOR),
    ("merchant2", "shop2", Role.MERCHANT_OPERATOR),
    ("viewer1", "shop1", Role.MERCHANT_VIEWER),
    ("provider1", "provider1", Role.PROVIDER_OPERATOR),
    ("provider2", "provider2", Role.PROVIDER_OPERATOR),
]


def tiny_png() -> bytes:
    """A real 1×1 PNG, standing in for a photo of the destruction."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xc0\x30\x30")) + chunk(b"IEND", b"")


class Command(BaseCommand):
    help = "Load demo shops, providers, warehouses, users and a few hundred reverse orders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=360, help="how many reverse orders (default 360)")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, orders, seed, **options):
        users = self.ensure_people()
        if ReverseOrder.objects.filter(provider__code__in=[c for c, _ in PROVIDERS]).exists():
            self.stdout.write("Demo orders already present; left as they are.")
        else:
            self.build_orders(users, orders, random.Random(seed))
        self.fill_address_book(users)
        notify_everyone(mail_newest=3)  # the demo people's inboxes (the worker does this in production)
        self.stdout.write(self.style.SUCCESS("Demo ready. Users (password %s):" % PASSWORD))
        for username, org, role in [*USERS, ("admin", "-", Role.ADMIN)]:
            self.stdout.write(f"  {username:<10} {Role(role).label} · {org}")

    @transaction.atomic
    def ensure_people(self) -> dict:
        orgs = {}
        for code, name in SHOPS:
            orgs[code], _ = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": "shop"})
        for code, name in PROVIDERS:
            orgs[code], _ = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": "provider"})
        for code, name, provider, address in WAREHOUSES:
            hours, phone = WAREHOUSE_CONTACTS[code]
            Warehouse.objects.get_or_create(
                code=code,
                defaults={"name": name, "provider": orgs[provider], "address": address, "opening_hours": hours, "contact_phone": phone},
            )
        User = get_user_model()
        users = {}
        for username, org, role in USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(PASSWORD)
            if created or not user.email:  # notification emails (printed on the worker's console by default)
                user.email = f"{username}@example.com"
            user.save()
            Membership.objects.get_or_create(user=user, defaults={"organisation": orgs[org], "role": role})
            users[username] = user
        admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        users["admin"] = admin
        return users

    @staticmethod
    def fill_address_book(users: dict) -> None:
        """示例店铺一's usual pickers and recipients (saving the same details again changes nothing)."""
        merchant = actor_for(users["merchant1"])
        for details in DEMO_CONTACTS:
            save_contact(actor=merchant, details=details)

    def build_orders(self, users: dict, count: int, rng: random.Random) -> None:
        actors = {name: actor_for(user) for name, user in users.items()}
        now = timezone.now()
        warehouse_provider = {code: provider for code, _, provider, _ in WAREHOUSES}
        # 1. Parcels come back over the last 30 days.
        created = []
        for day in range(30, -1, -1):
            moment = now - timedelta(days=day, hours=rng.randint(0, 8), minutes=rng.randint(0, 59))
            by_provider = defaultdict(list)
            for _ in range(count // 31 + (1 if day < count % 31 else 0)):
                warehouse = rng.choice(WAREHOUSES)[0]
                shop = rng.choice(SHOPS)[0] if rng.random() < 0.5 else "shop1"
                owner_id, owner_name, mode = rng.choice(OWNERS)
                if mode == BusinessMode.POP:  # a pop shop sells its own stock: it is the cargo owner
                    owner_id, owner_name, mode = POP_OWNERS[shop]
                serial = len(created) + sum(len(v) for v in by_provider.values()) + 1
                by_provider[warehouse_provider[warehouse]].append(
                    services.NewOrder(
                        external_ref=f"DEMO-{serial:05d}",
                        shop=shop,
                        warehouse=warehouse,
                        reverse_type=rng.choice(list(ReverseType)),
                        business_mode=mode,
                        owner_id=owner_id,
                        owner_name=owner_name,
                        sales_return_no=f"ST88{rng.randint(10**7, 10**8 - 1)}",
                        order_no=f"69301{rng.randint(10**8, 10**9 - 1)}",
                        inbound_tracking_number=f"EMS{rng.randint(10**8, 10**9 - 1)}JP",
                        lines=[
                            services.NewLine(
                                product_id=str(3500 + g),
                                product_name=GOODS[g],
                                goods_id=str(70000 + g),
                                goods_name=GOODS[g],
                                quantity=rng.randint(1, 4),
                            )
                            for g in rng.sample(range(len(GOODS)), rng.choice([1, 1, 1, 2, 3]))
                        ],
                    )
                )
            for provider, items in by_provider.items():
                created += [c.order for c in services.create_orders(actor=actors[provider], orders=items, now=moment)]
        # 2. Most arrive at the warehouse a day or two later.
        for order in created:
            if rng.random() < 0.8 and order.created_at + timedelta(days=2) < now:
                services.record_arrival(
                    actor=actors[order.provider.code], numbers=[order.number], at=order.created_at + timedelta(days=rng.choice([1, 2]))
                )
        orders = list(ReverseOrder.objects.select_related("shop", "provider", "warehouse").order_by("id"))
        self.instruct_and_execute(orders, actors, rng, now)
        self.stdout.write(f"Created {len(orders)} reverse orders.")

    def instruct_and_execute(self, orders, actors, rng: random.Random, now) -> None:
        merchant = {"shop1": actors["merchant1"], "shop2": actors["merchant2"]}
        for order in orders:
            roll = rng.random()
            provider = actors[order.provider.code]
            if roll < 0.04:
                services.cancel(actor=provider, number=order.number, reason="重复建单")
                continue
            # A merchant answers most parcels in time: a handful are overdue, some due within 3 days, most later.
            days = order.days_left(now)
            waiting = 0.04 if days is not None and days < 0 else 0.3 if days is not None and days <= 3 else 0.6
            if rng.random() < waiting:  # still waiting for the merchant
                if rng.random() < 0.15:
                    self.exception(order, provider, merchant[order.shop.code], rng)
                continue
            if order.reverse_type == ReverseType.CUSTOMS_DESTROY:
                services.confirm_destruction(actor=merchant[order.shop.code], numbers=[order.number], confirm=True)
                if order.arrived_at and rng.random() < 0.6:
                    services.destroy(
                        actor=provider,
                        number=order.number,
                        destroyed_at=timezone.now(),  # never before the merchant's confirmation
                        method="海关监管下焚烧",
                        evidence=[SimpleUploadedFile("destruction.png", tiny_png(), content_type="image/png")],
                    )
                    self.answer(order, merchant[order.shop.code], provider, rng)
                continue
            code = self.register(order, merchant[order.shop.code], rng, now)
            order.refresh_from_db()
            if order.arrived_at and rng.random() < 0.6:
                if order.pickup_method == PickupMethod.SELF_PICKUP:
                    services.hand_over(actor=provider, number=order.number, pickup_code=code, handed_to="张三")
                else:
                    services.forward(actor=provider, number=order.number, carrier="顺丰速运", tracking_number=f"SF{rng.randint(10**11, 10**12 - 1)}")
                self.answer(order, merchant[order.shop.code], provider, rng)
            elif rng.random() < 0.2:
                self.exception(order, provider, merchant[order.shop.code], rng)

    @staticmethod
    def register(order, merchant, rng: random.Random, now) -> str | None:
        if rng.random() < 0.5:
            details = batch.PickupDetails(
                method=PickupMethod.SELF_PICKUP,
                self_pickup=batch.SelfPickupDetails(
                    expected_pickup_at=now + timedelta(days=rng.randint(1, 5), hours=2), picker_name="张三", picker_phone="138 0013 8000"
                ),
            )
        else:
            details = batch.PickupDetails(
                method=PickupMethod.FORWARD,
                forward=batch.ForwardDetails(
                    recipient_name="李四", recipient_phone="139 0000 1234", country="中国", province="浙江省",
                    city="杭州市", district="余杭区", street="文一西路 969 号", postcode="311121",
                ),
                remark="请用原包装转寄",
            )
        return services.register_pickup(actor=merchant, numbers=[order.number], details=details).pickup_code

    @staticmethod
    def answer(order, merchant, provider, rng: random.Random) -> None:
        """The merchant confirms about half of what the warehouses did and disputes a few (one of which the
        provider has answered in the thread); the rest wait, 待确认."""
        roll = rng.random()
        if roll < 0.5:
            services.answer_executions(actor=merchant, numbers=[order.number], result="accepted")
        elif roll < 0.6:
            dispute = services.Dispute(*DISPUTE_STORIES[order.reverse_type == ReverseType.CUSTOMS_DESTROY or order.pickup_method])
            services.answer_executions(actor=merchant, numbers=[order.number], result="disputed", dispute=dispute)
            if rng.random() < 0.5:
                exception = order.exceptions.get(type="execution_disputed")
                services.comment_exception(actor=provider, number=order.number, exception_id=exception.pk, body="已补充凭证,请查看")

    @staticmethod
    def exception(order, provider, merchant, rng: random.Random) -> None:
        kind = rng.choice(list(EXCEPTION_STORIES))
        description, comment, note = rng.choice(EXCEPTION_STORIES[kind])
        exc = services.raise_exception(actor=provider, number=order.number, type=kind, description=description)
        services.comment_exception(actor=merchant, number=order.number, exception_id=exc.pk, body=comment)
        if rng.random() < 0.5:
            services.resolve_exception(actor=provider, number=order.number, exception_id=exc.pk, note=note)
