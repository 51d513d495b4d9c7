"""Instructions from a spreadsheet at scale: a 10,000-row file for the largest shop of `parcelback generate`'s data
(gen-merchant), written as the template is, read back, planned, recorded and submitted, each step timed with its
query count. Run it on a scratch database: it gives real instructions (the orders leave 待处理)."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.instruction_imports import services, sheets
from parcelback.reverse_orders import selectors
from parcelback.reverse_orders.models import ReverseOrder, ReverseType, Status

from .measure import counted
from .report import commit, database, machine, replace_section

RECIPIENTS = [  # a shop forwards to a handful of addresses again and again
    {"recipient_name": f"收货人{i}", "recipient_phone": f"1390000{i:04d}", "country": "中国", "province": "浙江省",
     "city": "杭州市", "district": "余杭区", "street": f"文一西路 {900 + i} 号", "postcode": "311121"}
    for i in range(5)
]


def instructions(orders) -> list[dict]:
    """What a merchant fills in: 销毁 for the destroy orders, every fourth other one forwarded to one of a few
    addresses, the rest picked up by the same person at each warehouse."""
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    rows = []
    for i, order in enumerate(orders):
        values = {"number": order.number}
        if order.reverse_type == ReverseType.CUSTOMS_DESTROY:
            values["method"] = "销毁"
        elif i % 4 == 0:
            values |= {"method": "转寄"} | RECIPIENTS[i % len(RECIPIENTS)]
        else:
            values |= {"method": "自提", "expected_pickup_at": when, "picker_name": f"{order.warehouse.name}提货员",
                       "picker_phone": "13800138000"}
        rows.append(values)
    return rows


def run(*, rows: int, out, output: str | None = None) -> None:
    user = get_user_model().objects.get(username="gen-merchant")
    actor = actor_for(user)
    orders = list(
        selectors.visible_orders(actor).filter(status=Status.AWAITING_INSTRUCTION).select_related("warehouse")
        .order_by("id")[:rows]
    )
    if len(orders) < rows:
        raise SystemExit(f"gen-merchant has only {len(orders):,} orders awaiting instruction; generate more first")
    total_orders = ReverseOrder.objects.count()
    results = []
    with counted() as step:
        body = sheets.to_bytes(sheets.template_file, instructions(orders))
    results.append(("write the filled template (XLSX)", step, f"{len(body) / 1024:,.0f} KB"))
    with counted() as step:
        read = sheets.read(SimpleUploadedFile("instructions.xlsx", body))
    results.append(("read it back", step, f"{len(read):,} rows"))
    with counted() as step:
        planned = services.plan(actor=actor, rows=read)
        record = services.record(actor=actor, file_name="instructions.xlsx", planned=planned)
    results.append(("check every row and plan", step, f"{len(planned.groups)} groups, {len(planned.refused_pairs())} refused"))
    with counted() as step:
        submitted = services.submit(actor=actor, import_id=record.pk, only_valid=False)
    results.append(("submit", step, f"{len(submitted.groups)} groups written, {len(submitted.failed)} refused"))
    lines = [f"{name:<36} {s.seconds:>8.2f} s {s.count:>6} queries   {note}" for name, s, note in results]
    out.write("\n".join(lines) + "\n")
    if output:
        write_report(output, rows, total_orders, results)


def write_report(output: str, rows: int, total_orders: int, results) -> None:
    from pathlib import Path

    path = Path(output)
    table = ["| step | seconds | queries | what |", "|---|---|---|---|"]
    table += [f"| {name} | {s.seconds:.2f} | {s.count} | {note} |" for name, s, note in results]
    body = "\n".join([
        f"## Instructions from a spreadsheet: {rows:,} rows ({database()})",
        "",
        f"- **Machine**: {machine()}",
        f"- **Rows**: {total_orders:,} reverse orders; the file's rows are gen-merchant's oldest orders awaiting instruction",
        f"- **Commit**: {commit(path)}; {timezone.now():%Y-%m-%d %H:%M} UTC",
        "",
        *table,
        "",
        "`parcelback bench_import` (in-process, no server): the template written with the rows filled in, read back as an",
        "upload, every row checked with the dialogs' rules and grouped, then submitted group by group through the",
        "dialogs' services. Planning's queries do not depend on the number of rows; submitting's grow with the groups",
        "(one registration each, as in the dialog), not with the rows.",
    ])
    text = path.read_text() if path.exists() else ""
    path.write_text(replace_section(text, f"import-{database().split()[0].lower()}", body))
