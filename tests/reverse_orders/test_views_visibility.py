"""Every page × an outsider (another shop, another provider) or a viewer: out of scope is 404, a forged post
writes nothing."""
import pytest

from parcelback.reverse_orders import services
from parcelback.reverse_orders.models import ReverseOrder

from ..helpers import client_for, order_form, self_pickup_post
from ..helpers import page_snapshot as snapshot

pytestmark = pytest.mark.django_db


ORDER_GETS = ["/orders/{n}/"]


ORDER_POSTS = [
    ("/orders/{n}/arrival/", {}),
    ("/orders/{n}/handover/", {"pickup_code": "1", "handed_to": "x"}),
    ("/orders/{n}/forward/", {"carrier": "x", "tracking_number": "y"}),
    ("/orders/{n}/destroy/", {"method": "x"}),
    ("/orders/{n}/cancel/", {"reason": "x"}),
    ("/orders/{n}/exceptions/", {"type": "other", "description": "x"}),
    ("/orders/{n}/exceptions/1/comment/", {"body": "x"}),
    ("/orders/{n}/exceptions/1/resolve/", {"note": "x"}),
]


@pytest.mark.parametrize("outsider", ["merchant2", "provider2"])
@pytest.mark.parametrize(("url", "data"), [(u, None) for u in ORDER_GETS] + ORDER_POSTS)
def test_out_of_scope_orders_are_not_found(client, world, orders, outsider, url, data):
    client_for(client, getattr(world, outsider))
    before = snapshot(orders["return"])
    url = url.format(n=orders["return"].number)
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 404
    assert snapshot(orders["return"]) == before


@pytest.mark.parametrize("outsider", ["merchant2", "provider2"])
def test_out_of_scope_orders_do_not_appear_anywhere(client, world, orders, outsider):
    client_for(client, getattr(world, outsider))
    number = orders["return"].number
    for url in ("/orders/", f"/orders/?numbers={number}", "/orders/queue/", "/orders/export.csv"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert number.encode() not in body.split(b"<tbody>")[-1].split(b"</tbody>")[0]  # filters echo what was typed
    html = client.get("/orders/batch/pickup/", {"numbers": number}).content.decode()
    assert "逆向管理单不存在" in html


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/orders/batch/pickup/", "pickup"),
        ("/orders/batch/destroy/", {"submit": "1", "confirm": "1"}),
        ("/orders/{n}/exceptions/", {"type": "other", "description": "x"}),
        ("/orders/{n}/cancel/", {"reason": "x"}),
        ("/orders/{n}/arrival/", {}),
        ("/orders/queue/", {"numbers": "{n}"}),
        ("/orders/new/", "create"),
    ],
)
def test_viewer_forged_posts_are_refused_and_write_nothing(client, world, orders, url, data):
    order = orders["destroy"] if "destroy" in url else orders["return"]
    ReverseOrder.objects.filter(pk=order.pk).update(arrived_at=None)
    if data == "pickup":
        data = self_pickup_post([order.number])
    elif data == "create":
        data = order_form()
    else:
        data = {k: v.format(n=order.number) for k, v in data.items()} | {"numbers": order.number}
    before = snapshot(order)
    response = client_for(client, world.viewer1).post(url.format(n=order.number), data)
    assert response.status_code in (302, 400, 403, 409)
    if response.status_code != 302:
        assert "您的角色无权进行此操作" in response.content.decode() or "未做任何操作" in response.content.decode()
    assert snapshot(order) == before
    assert ReverseOrder.objects.count() == 4


def test_viewer_detail_has_no_forms(client, world, orders):
    exc = services.raise_exception(actor=world.provider1, number=orders["return"].number, type="other", description="x")
    html = client_for(client, world.viewer1).get(f"/orders/{orders['return'].number}/").content.decode()
    assert f"/exceptions/{exc.pk}/comment/" not in html and "登记提货" not in html.split("<main")[1].split("操作记录")[0]

