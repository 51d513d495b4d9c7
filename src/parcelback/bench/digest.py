"""The daily digest at scale: P people, each with N orders' digest notifications, on the current database (use a
scratch one). Puts the day's digests together and sends them all through a real SMTP server (aiosmtpd, in its
own process on 127.0.0.1), and prints the time and the number of queries of each step."""
import socket
import subprocess
import sys
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone

from parcelback.accounts.models import Membership, Organisation, Role
from parcelback.notifications.digest import cutoff_of, plan_digests
from parcelback.notifications.mail import send_due_mail
from parcelback.notifications.models import Digest, DigestRun, Email, Notification
from parcelback.reverse_orders.models import EventKind

from .measure import counted

PREFIX = "digestbench"
KINDS = [EventKind.DEADLINE_NEAR, EventKind.EXCEPTION_RAISED, EventKind.EXCEPTION_COMMENTED, EventKind.HANDED_OVER,
         EventKind.FORWARDED, EventKind.DESTROYED, EventKind.CANCELLED, EventKind.EXCEPTION_RESOLVED]
PER_SHOP = 10  # people per shop; a shop's orders are told to each of them


def clear() -> None:
    User = get_user_model()
    people = User.objects.filter(username__startswith=PREFIX)
    Digest.objects.filter(recipient__in=people).delete()
    Notification.objects.filter(recipient__in=people).delete()
    Membership.objects.filter(user__in=people).delete()
    people.delete()
    Organisation.objects.filter(code__startswith=PREFIX).delete()
    DigestRun.objects.filter(day=timezone.localdate()).delete()


def build(people: int, orders: int, out) -> None:
    """`people` merchant viewers in shops of PER_SHOP, each told of `orders` orders of their shop yesterday."""
    started = time.perf_counter()
    User = get_user_model()
    shops = Organisation.objects.bulk_create(
        [Organisation(code=f"{PREFIX}-shop-{i}", name=f"Digest bench shop {i}", kind="shop") for i in range(people // PER_SHOP)]
    )
    provider = Organisation.objects.create(code=f"{PREFIX}-provider", name="Digest bench provider", kind="provider")
    users = User.objects.bulk_create(
        [User(username=f"{PREFIX}-{i}", email=f"{PREFIX}-{i}@example.com", password="!") for i in range(people)], batch_size=2000
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=shops[i // PER_SHOP], role=Role.MERCHANT_VIEWER) for i, u in enumerate(users)], batch_size=2000
    )
    yesterday = cutoff_of(timezone.localdate()) - timedelta(hours=12)
    batch = []
    for i, user in enumerate(users):
        shop = shops[i // PER_SHOP]
        for n in range(orders):
            batch.append(Notification(
                recipient=user, kind=KINDS[n % len(KINDS)], order_number=f"RVB{shop.pk:07d}{n:05d}", shop=shop,
                provider=provider, message_id=-(n + 1), created_at=yesterday, email=Email.DIGEST,
            ))
        if len(batch) >= 50_000:
            Notification.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Notification.objects.bulk_create(batch, batch_size=5000)
    out.write(f"built {people:,} people × {orders} orders = {people * orders:,} notifications in {time.perf_counter() - started:.0f} s\n")


def smtp_server() -> tuple[subprocess.Popen, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def run(*, people: int, orders: int, out) -> None:
    clear()
    build(people, orders, out)
    now = cutoff_of(timezone.localdate()) + timedelta(minutes=1)
    with counted() as step:
        made = plan_digests(now=now)
    out.write(f"put together {made:,} digests in {step.seconds:.1f} s with {step.count} queries\n")
    server, port = smtp_server()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                               EMAIL_PORT=port, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_TIMEOUT=10):
            with counted() as step:
                sent = 0
                while batch := send_due_mail(now=now + timedelta(minutes=1), limit=500):
                    sent += batch
    finally:
        server.terminate()
    out.write(f"sent {sent:,} digests over SMTP in {step.seconds:.1f} s ({sent / step.seconds:.0f}/s) with {step.count:,} queries "
              f"({step.count / max(sent, 1):.2f} a digest)\n")
    clear()
