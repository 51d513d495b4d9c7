"""The provider's pages over the Django test client: the queue and scan, arrivals, creating orders by form and by CSV."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parcelback.reverse_orders.models import Event, ReverseOrder, ReverseType
from parcelback.webhooks.models import OutboxMessage

from ..factories import ReverseOrderFactory
from ..helpers import client_for, order_form

pytestmark = pytest.mark.django_db


# --- the queue and arrivals ---------------------------------------------------------------------------


def test_queue_tabs_and_scan(client, world, orders):
    ReverseOrder.objects.filter(pk=orders["return"].pk).update(arrived_at=None)
    client_for(client, world.provider1)
    html = client.get("/orders/queue/").content.decode()
    assert "未到仓<span class=\"count\">(1)</span>" in html and orders["return"].number in html
    response = client.get("/orders/queue/", {"q": orders["reject"].sales_return_no})
    assert response["Location"] == f"/orders/{orders['reject'].number}/"
    assert "没有找到" in client.get("/orders/queue/", {"q": "NOPE"}).content.decode()


def test_queue_query_count_is_pinned(client, world, django_assert_num_queries):
    for _ in range(30):
        ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None, goods=[("1", "甲"), ("2", "乙")])
    client_for(client, world.provider1)
    # session, user, membership, page count, page rows, their lines, tab counts, open disputes, the 仓库 choices
    with django_assert_num_queries(10):
        assert client.get("/orders/queue/").status_code == 200


def test_bulk_arrival_records_the_rest_and_names_the_already_arrived(client, world, orders):
    """On the page a pasted list is no longer all or nothing (tests/reverse_orders/test_arrival_batch.py has the rest)."""
    ReverseOrder.objects.filter(pk__in=[orders["return"].pk, orders["reject"].pk]).update(arrived_at=None)
    client_for(client, world.provider1)
    numbers = f"{orders['return'].number}\n{orders['reject'].number} {orders['destroy'].number}"
    response = client.post("/orders/queue/", {"numbers": numbers}, follow=True)
    page = response.content.decode()
    assert "已登记到仓 2 条" in page and f"{orders['destroy'].number}</span> — 已到仓,未重复登记" in page
    assert ReverseOrder.objects.filter(pk__in=[orders["return"].pk, orders["reject"].pk], arrived_at__isnull=False).count() == 2


def test_single_arrival_from_the_detail_page(client, world, orders):
    ReverseOrder.objects.filter(pk=orders["return"].pk).update(arrived_at=None)
    response = client_for(client, world.provider1).post(f"/orders/{orders['return'].number}/arrival/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/orders/{orders['return'].number}/"
    orders["return"].refresh_from_db()
    assert orders["return"].arrived_at is not None


# --- creation by form and by CSV ----------------------------------------------------------------------


def test_create_order_by_form(client, world):
    response = client_for(client, world.provider1).post("/orders/new/", order_form())
    order = ReverseOrder.objects.get(external_ref="EXT-NEW-1")
    assert response["Location"] == f"/orders/{order.number}/"
    assert order.lines.get().goods_name == "货品一"


def test_create_order_with_unknown_shop_shows_it_and_writes_nothing(client, world):
    response = client_for(client, world.provider1).post("/orders/new/", order_form(shop="nope"))
    assert response.status_code == 400 and "未知店铺" in response.content.decode()
    assert ReverseOrder.objects.count() == 0 and OutboxMessage.objects.count() == 0


CSV_HEAD = "external_ref,shop,warehouse,reverse_type,business_mode,owner_id,owner_name,product_id,product_name,goods_id,goods_name,quantity\n"


def upload(text: str):
    return SimpleUploadedFile("orders.csv", text.encode(), content_type="text/csv")


def test_csv_import_creates_orders_with_their_lines(client, world):
    text = CSV_HEAD + "A1,shop1,tokyo,清关失败-退运,代销,O1,货主一,P1,商品一,G1,货品一,1\nA1,shop1,tokyo,清关失败-退运,代销,O1,货主一,P2,商品二,G2,货品二,3\nA2,shop2,tokyo,customs_destroy,pop,O2,货主二,P3,商品三,G3,货品三,1\n"
    response = client_for(client, world.provider1).post("/orders/import/", {"file": upload(text)})
    numbers = ",".join(ReverseOrder.objects.order_by("id").values_list("number", flat=True))
    assert response["Location"] == f"/orders/?number_type=number&numbers={numbers.replace(',', '%2C')}"
    assert ReverseOrder.objects.get(external_ref="A1").lines.count() == 2
    assert ReverseOrder.objects.get(external_ref="A2").reverse_type == ReverseType.CUSTOMS_DESTROY


def test_csv_import_with_one_bad_row_imports_nothing(client, world):
    text = CSV_HEAD + "A1,shop1,tokyo,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\nA2,shop1,la,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,x\nA3,shop1,la,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\n"
    response = client_for(client, world.provider1).post("/orders/import/", {"file": upload(text)})
    assert response.status_code == 400
    assert "第 3 行" in response.content.decode() and "数量须为正整数" in response.content.decode()
    assert ReverseOrder.objects.count() == 0
    # Row 4's warehouse belongs to another provider: reported by line, nothing created.
    text = CSV_HEAD + "A1,shop1,tokyo,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\nA3,shop1,la,customs_return,pop,O1,货主一,P1,商品一,G1,货品一,1\n"
    html = client_for(client, world.provider1).post("/orders/import/", {"file": upload(text)}).content.decode()
    assert "第 3 行" in html and "未知仓库" in html
    assert ReverseOrder.objects.count() == 0 and Event.objects.count() == 0


def test_csv_template_imports_as_it_is(client, world):
    """The template names warehouse "tokyo", which is provider A's in the test world."""
    client_for(client, world.provider1)
    template = client.get("/orders/import/template.csv").content
    response = client.post("/orders/import/", {"file": SimpleUploadedFile("t.csv", template, content_type="text/csv")})
    assert response.status_code == 302
    assert ReverseOrder.objects.get(external_ref="DEMO-REF-1").lines.count() == 2

