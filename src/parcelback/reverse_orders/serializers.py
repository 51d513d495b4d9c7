"""A reverse order as integrators see it: the API's output and the webhooks' payload share this shape."""
from .models import ReverseOrder


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _as_is(value):
    return value


def order_data(order: ReverseOrder, *, iso_times=True) -> dict:
    """The list-level fields of PRODUCT.md's API vocabulary.
    The webhooks' payload carries its times as ISO 8601 text; the API keeps them datetimes (`iso_times=False`)
    and its JSON renderer writes them in the API's format (milliseconds, UTC as `Z`)."""
    render_time = _iso if iso_times else _as_is
    return {
        "number": order.number,
        "external_ref": order.external_ref,
        "sales_return_no": order.sales_return_no,
        "order_no": order.order_no,
        "reverse_type": order.reverse_type,
        "status": order.status,
        "exception_state": order.exception_state,
        "acceptance_state": order.acceptance_state,
        "pickup_method": order.pickup_method,
        "business_mode": order.business_mode,
        "shop": {"code": order.shop.code, "name": order.shop.name},
        "warehouse": {"code": order.warehouse.code, "name": order.warehouse.name},
        "owner": {"id": order.owner.external_id, "name": order.owner.name},
        "lines": [
            {
                "product_id": line.product_id,
                "product_name": line.product_name,
                "goods_id": line.goods_id,
                "goods_name": line.goods_name,
                "quantity": line.quantity,
            }
            for line in order.line_items
        ],
        "inbound_tracking_number": order.inbound_tracking_number,
        "arrived_at": render_time(order.arrived_at),
        "instruction_deadline": render_time(order.instruction_deadline),
        "days_left": order.days_left(),
        "created_at": render_time(order.created_at),
        "updated_at": render_time(order.updated_at),
    }
