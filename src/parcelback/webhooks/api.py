"""REST endpoints for an organisation's webhook endpoints and their delivery log."""
from datetime import timedelta

from ninja import Router, Status

from parcelback.core.api import ERRORS, refuses
from parcelback.core.errors import Code

from . import selectors, services
from .schemas import DeliveryOut, EndpointCreatedOut, EndpointIn, EndpointOut, RotateIn

router = Router(tags=["webhook-endpoints"])


def _endpoint(endpoint) -> dict:
    fields = ("id", "url", "event_types", "description", "is_active", "created_at")
    return {name: getattr(endpoint, name) for name in fields} | {"previous_secret_expires_at": endpoint.previous_secret_until}


def _delivery(delivery) -> dict:
    return {
        "id": delivery.pk,
        "webhook_id": f"msg_{delivery.message.message_id.hex}",
        "event_type": delivery.message.event_type,
        "order_number": delivery.message.order_number,
        **{name: getattr(delivery, name) for name in ("state", "attempts", "next_attempt_at", "last_status_code", "delivered_at", "created_at")},
        "log": [vars(attempt) for attempt in delivery.log.all()],
    }


@router.post(
    "/webhook-endpoints", operation_id="create_webhook_endpoint",
    response={201: EndpointCreatedOut, **ERRORS},
    summary="Register a webhook endpoint",
)
@refuses(Code.INVALID, Code.NOT_PERMITTED, Code.TOO_MANY_ENDPOINTS, write=True)
def create_endpoint(request, payload: EndpointIn):
    """The answer carries the signing secret; it is never shown again."""
    endpoint, secret = services.create_endpoint(
        actor=request.auth, url=payload.url, event_types=list(payload.event_types), description=payload.description
    )
    return Status(201, _endpoint(endpoint) | {"secret": secret})


@router.get(
    "/webhook-endpoints", operation_id="list_webhook_endpoints",
    response={200: list[EndpointOut], **ERRORS},
    summary="Your webhook endpoints",
)
@refuses()
def list_endpoints(request):
    return [_endpoint(e) for e in selectors.endpoints_for(actor=request.auth)]


@router.get(
    "/webhook-endpoints/{endpoint_id}", operation_id="get_webhook_endpoint",
    response={200: EndpointOut, **ERRORS},
    summary="One webhook endpoint",
)
@refuses(Code.INVALID, Code.NOT_FOUND)
def get_endpoint(request, endpoint_id: int):
    return _endpoint(selectors.endpoint_for(actor=request.auth, endpoint_id=endpoint_id))


@router.delete(
    "/webhook-endpoints/{endpoint_id}", operation_id="delete_webhook_endpoint",
    response={204: None, **ERRORS},
    summary="Remove a webhook endpoint",
)
@refuses(Code.INVALID, Code.NOT_FOUND, Code.NOT_PERMITTED)
def delete_endpoint(request, endpoint_id: int):
    services.delete_endpoint(actor=request.auth, endpoint_id=endpoint_id)
    return Status(204, None)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret", operation_id="rotate_webhook_secret",
    response={201: EndpointCreatedOut, **ERRORS},
    summary="Rotate a webhook endpoint's signing secret",
)
@refuses(Code.INVALID, Code.NOT_FOUND, Code.NOT_PERMITTED, write=True)
def rotate_secret(request, endpoint_id: int, payload: RotateIn | None = None):
    """The answer carries the new secret, shown only now; the previous one keeps signing beside it for
    `overlap_hours` (default 24), so both signatures are in `webhook-signature` meanwhile."""
    overlap = timedelta(hours=(payload or RotateIn()).overlap_hours)
    endpoint, secret = services.rotate_secret(actor=request.auth, endpoint_id=endpoint_id, overlap=overlap)
    return Status(201, _endpoint(endpoint) | {"secret": secret})


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries", operation_id="list_webhook_deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="Delivery log",
)
@refuses(Code.INVALID, Code.NOT_FOUND)
def list_deliveries(request, endpoint_id: int):
    """The latest 100 deliveries with every attempt's response code."""
    return [_delivery(d) for d in selectors.deliveries_for(actor=request.auth, endpoint_id=endpoint_id)]


@router.post(
    "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver", operation_id="redeliver_webhook",
    response={202: DeliveryOut, **ERRORS},
    summary="Send a delivery again",
)
@refuses(Code.INVALID, Code.NOT_FOUND, Code.NOT_PERMITTED, write=True)
def redeliver(request, endpoint_id: int, delivery_id: int):
    return Status(202, _delivery(services.redeliver(actor=request.auth, endpoint_id=endpoint_id, delivery_id=delivery_id)))
