"""Instructions from a spreadsheet, the issue's flow in a real browser: the template downloaded for a filter, filled
in (openpyxl), uploaded, the plan read, the valid groups submitted, the orders registered with one code per group."""
import pytest

from parcelback.reverse_orders.models import PickupCode, ReverseOrder, ReverseType, Status

from ..factories import ReverseOrderFactory
from ..instruction_imports.helpers import fill, forward, self_pickup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_template_filled_uploaded_planned_and_valid_groups_submitted(world, open_as, tmp_path):
    make = ReverseOrderFactory
    tokyo = [make(shop=world.shop1, warehouse=world.wh_a1, number=f"RVT{i}") for i in range(2)]
    sydney = make(shop=world.shop1, warehouse=world.wh_a2, number="RVS1")
    away = make(shop=world.shop1, warehouse=world.wh_b1, number="RVF1", reverse_type=ReverseType.INTERCEPT_REJECT)
    wrong = make(shop=world.shop1, warehouse=world.wh_a1, number="RVW1", reverse_type=ReverseType.CUSTOMS_DESTROY)
    left_out = make(shop=world.shop1, warehouse=world.wh_a1, number="RVX1", reverse_type=ReverseType.WAREHOUSE_INTERCEPT)

    page = open_as("merchant1")
    page.goto(page.url.split("/orders")[0] + "/orders/?tab=all&numbers=RVT0+RVT1+RVS1+RVF1+RVW1&number_type=number")
    with page.expect_download() as download:
        page.click("#instruction-template")
    template = (tmp_path / "template.xlsx")
    download.value.save_as(template)

    sp = self_pickup()
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(template.read_bytes(), {
        "RVT0": sp, "RVT1": sp, "RVS1": sp, "RVF1": forward(), "RVW1": self_pickup(),  # a destruction order: refused
        "RVX1": sp,  # not in the filtered template: never uploaded
    }))

    page.click("text=导入指令")
    page.set_input_files("input[name=file]", str(filled))
    page.click("#instruction-upload button[type=submit]")
    page.wait_for_url("**/orders/instructions/*/")
    text = page.inner_text("main")
    assert "处理计划" in text and "3 组" in text and "1 行有误" in text
    assert "RVW1" in page.inner_text(".import-refused")
    assert ReverseOrder.objects.get(pk=tokyo[0].pk).status == Status.AWAITING_INSTRUCTION

    page.click("button:has-text('仅提交有效分组')")
    page.wait_for_selector("[data-pickup-code]")
    assert "导入结果" in page.inner_text("main")
    assert page.locator("[data-pickup-code]").count() == 2  # Tokyo's two orders share one code, Sydney has its own
    assert PickupCode.objects.count() == 2
    statuses = {o.number: ReverseOrder.objects.get(pk=o.pk).status for o in [*tokyo, sydney, away, wrong, left_out]}
    assert statuses == {
        "RVT0": Status.AWAITING_PICKUP, "RVT1": Status.AWAITING_PICKUP, "RVS1": Status.AWAITING_PICKUP,
        "RVF1": Status.AWAITING_PICKUP, "RVW1": Status.AWAITING_INSTRUCTION, "RVX1": Status.AWAITING_INSTRUCTION,
    }
    codes = {c.registrations.first().order.warehouse.code: c.registrations.count() for c in PickupCode.objects.all()}
    assert codes == {"tokyo": 2, "sydney": 1}
