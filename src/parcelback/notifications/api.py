"""REST endpoints for the caller's own inbox."""
from ninja import Query, Router

from parcelback.core.api import ERRORS, refuses, rendered
from parcelback.core.errors import Code
from parcelback.core.pagination import keyset_page
from parcelback.webhooks.models import EVENT_TYPE_OF_KIND

from . import selectors, services
from .schemas import NotificationPage, NotificationQuery, ReadIn, ReadOut

router = Router(tags=["notifications"])


def _notification(n) -> dict:
    return {
        "id": n.pk, "kind": n.kind, "event_type": EVENT_TYPE_OF_KIND.get(n.kind, ""), "order_number": n.order_number,
        "created_at": n.created_at, "read_at": n.read_at,
    }


@router.get(
    "/notifications", operation_id="list_notifications",
    response={200: NotificationPage, **ERRORS},
    summary="Your notifications",
)
@refuses(Code.INVALID)
def list_notifications(request, query: Query[NotificationQuery]):
    """Newest first; keyset pagination with `limit` and `cursor`; `unread=true` for the unread only."""
    rows = selectors.notifications_for(actor=request.auth)
    if query.unread is not None:
        rows = rows.filter(read_at__isnull=query.unread)
    page, next_cursor = keyset_page(rows, selectors.ORDERING, limit=query.limit, cursor=query.cursor)
    return rendered({"results": [_notification(n) for n in page], "next_cursor": next_cursor})


@router.post(
    "/notifications/read", operation_id="mark_notifications_read",
    response={200: ReadOut, **ERRORS},
    summary="Mark notifications read",
)
@refuses(Code.INVALID, write=True)
def mark_read(request, payload: ReadIn):
    """`{"ids": [...]}` or `{"all": true}`; ids that are not the caller's are left alone (and not counted)."""
    return {"marked": services.mark_read(actor=request.auth, ids=payload.ids, all=payload.all)}
