"""The provider carries the instruction out: handover against the pickup code, forwarding, destruction with
evidence; or cancels an order created in error. A caller's `precondition` (the API's If-Match) is checked on
the order as locked, inside the action's transaction."""
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused
from parcelback.core.text import is_blank

from ..models import (
    EventKind,
    EvidenceFile,
    Execution,
    ReverseOrder,
)
from .pickup_codes import check_pickup_code
from .steps import Action, move, one, record, user_id_of


def hand_over(
    *, actor: Actor, number: str, pickup_code: str, handed_to: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> ReverseOrder:
    """The picker presents the pickup code. A wrong code hands nothing over, but the attempt is committed (on the
    timeline, counted towards the lock) before the refusal is raised."""
    # A missing code is a slip, not a guess: refused before anything is counted.
    errors = {name: "required" for name, value in (("pickup_code", pickup_code or ""), ("handed_to", handed_to)) if is_blank(value)}
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.HAND_OVER)
        if precondition:
            precondition(order)
        refusal = check_pickup_code(actor=actor, order=order, code=pickup_code, handed_to=handed_to, now=now)
        if refusal is None:
            move([order], Action.HAND_OVER, now=now)
            Execution.objects.create(
                order=order, kind=Execution.Kind.HANDOVER, handed_to=handed_to.strip(), executed_by_id=user_id_of(actor), created_at=now
            )
            record([order], EventKind.HANDED_OVER, actor, {"handed_to": handed_to.strip()}, now=now)
    if refusal is not None:
        raise refusal  # after the commit: the wrong attempt stays on record, nothing was handed over
    return order


def forward(
    *, actor: Actor, number: str, carrier: str, tracking_number: str, precondition: Callable[[ReverseOrder], None] | None = None
) -> ReverseOrder:
    """The provider shipped the parcel to the registered address."""
    errors = {name: "required" for name, value in (("carrier", carrier), ("tracking_number", tracking_number)) if is_blank(value)}
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.FORWARD)
        if precondition:
            precondition(order)
        move([order], Action.FORWARD, now=now)
        data = {"carrier": carrier.strip(), "tracking_number": tracking_number.strip()}
        Execution.objects.create(order=order, kind=Execution.Kind.FORWARD, executed_by_id=user_id_of(actor), created_at=now, **data)
        record([order], EventKind.FORWARDED, actor, data, now=now)
    return order


EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 10


def _head(upload) -> bytes:
    head = upload.read(12)
    upload.seek(0)
    return head


def _evidence_problem(files, kinds) -> str | None:
    if not files:
        return "required"
    if len(files) > EVIDENCE_MAX_FILES:
        return "too_many_files"
    if any(upload.size > EVIDENCE_MAX_BYTES for upload in files):
        return "file_too_large"
    if any(kind not in EVIDENCE_TYPES for kind in kinds):
        return "unsupported_file_type"
    return None


def _sniff(head: bytes) -> str | None:
    """The file's real type from its first bytes; the client's claimed content type is not trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def destroy(
    *, actor: Actor, number: str, destroyed_at: datetime | None, method: str, evidence: list,
    precondition: Callable[[ReverseOrder], None] | None = None,
) -> ReverseOrder:
    """The provider destroyed the parcel: when, how, and files that prove it."""
    now = timezone.now()
    errors = {}
    if destroyed_at is None:
        errors["destroyed_at"] = "required"
    elif destroyed_at > now + timedelta(minutes=5):
        errors["destroyed_at"] = "in_future"
    if is_blank(method):
        errors["method"] = "required"
    kinds = [_sniff(_head(upload)) for upload in evidence]
    if problem := _evidence_problem(evidence, kinds):
        errors["evidence"] = problem
    if errors:
        raise Refused(Code.INVALID, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        order = one(actor, number, Action.DESTROY)
        if precondition:
            precondition(order)
        move([order], Action.DESTROY, now=now)
        execution = Execution.objects.create(
            order=order,
            kind=Execution.Kind.DESTRUCTION,
            destroyed_at=destroyed_at,
            destruction_method=method.strip(),
            executed_by_id=user_id_of(actor),
            created_at=now,
        )
        for upload, content_type in zip(evidence, kinds):
            EvidenceFile.objects.create(execution=execution, file=upload, content_type=content_type, size=upload.size)
        data = {"destroyed_at": destroyed_at.isoformat(), "method": method.strip(), "evidence_files": len(evidence)}
        record([order], EventKind.DESTROYED, actor, data, now=now)
    return order


def cancel(*, actor: Actor, number: str, reason: str, precondition: Callable[[ReverseOrder], None] | None = None) -> ReverseOrder:
    """Withdraw an order created in error, before the merchant gave any instruction."""
    if is_blank(reason):
        raise Refused(Code.INVALID, field="reason", errors={"reason": "required"})
    now = timezone.now()
    with transaction.atomic():
        order = one(actor, number, Action.CANCEL)
        if precondition:
            precondition(order)
        move([order], Action.CANCEL, now=now)
        record([order], EventKind.CANCELLED, actor, {"reason": reason.strip()}, now=now)
    return order
