"""A warehouse day in the browser: a whole registration handed over with one code after confirming a different
person with a reason, and a scanned list arriving with its repeats and unknown numbers reported."""
from datetime import timedelta

import pytest
from django.utils import timezone

from parcelback.reverse_orders import batch, services
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hands_over_a_whole_registration_to_a_stand_in_with_a_reason(world, open_as):
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_RETURN) for _ in range(2)]
    details = batch.PickupDetails(
        method="self_pickup", self_pickup=batch.SelfPickupDetails(timezone.now() + timedelta(days=1), "张三", "13800138000")
    )
    code = services.register_pickup(actor=world.merchant1, numbers=[o.number for o in orders], details=details).pickup_code
    page = open_as("provider1")
    page.goto(page.url.split("/orders")[0] + f"/orders/{orders[0].number}/")
    page.fill("input[name=pickup_code]", code)
    page.fill("input[name=handed_to]", "李四")
    page.check("#id_whole_registration")
    page.click("button:has-text('核对提货码并交付')")
    page.wait_for_selector("#handover-warnings")
    assert "与登记的提货人“张三”不一致" in page.inner_text("#handover-warnings")
    page.fill("input[name=pickup_code]", code)
    page.fill("textarea[name=override_reason]", "张三委托,已核对身份证")
    page.click("button:has-text('核对提货码并交付')")
    page.wait_for_selector(".alert.success")
    assert [ReverseOrder.objects.get(pk=o.pk).status for o in orders] == [Status.PICKED_UP] * 2


def test_scanned_list_arrives_and_reports_repeats_and_unknowns(world, open_as):
    a, b = (ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1, arrived_at=None) for _ in range(2))
    page = open_as("provider1")
    page.goto(page.url.split("/orders")[0] + "/orders/queue/")
    page.click("summary:has-text('批量登记到仓')")
    page.fill("textarea[name=numbers]", f"{a.number}\n{a.number}\nRV-NOPE\n{b.number}")
    page.click("form button:has-text('登记到仓')")
    page.wait_for_selector("#arrival-report")
    report = page.inner_text("#arrival-report")
    assert "重复扫描 1 个,已按 1 次计" in report and "RV-NOPE" in report
    assert "已登记到仓 2 条" in page.inner_text("main")
    assert ReverseOrder.objects.filter(pk__in=[a.pk, b.pk], arrived_at__isnull=False).count() == 2
