import socket
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from parcelback.reverse_orders.models import EventKind
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND, OutboxMessage

from ..factories import ReverseOrderFactory


@pytest.fixture
def announce(world):
    """announce(kind, order=None, age=...) → an outbox message as the services write it (shop1, provider A)."""
    default = {}

    def make(kind: EventKind, order=None, *, age: timedelta = timedelta(minutes=5), data: dict | None = None):
        if order is None:
            if "order" not in default:
                default["order"] = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
            order = default["order"]
        return OutboxMessage.objects.create(
            event_type=EVENT_TYPE_OF_KIND[kind], order_number=order.number, shop_id=order.shop_id,
            provider_id=order.provider_id, payload={"data": {"event": data or {}}}, created_at=timezone.now() - age,
        )

    return make


class Mailbox:
    """What a real SMTP server on 127.0.0.1 received, and what it should refuse next: `refuse_data` replies to the
    next DATA commands in turn (e.g. "451 4.3.0 Try again later"), `refuse_rcpt` maps an address to its reply."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refuse_data: list[str] = []
        self.refuse_rcpt: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data.pop(0)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) in a thread, and Django's SMTP backend pointed at it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()
