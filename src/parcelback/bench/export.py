"""The CSV export path, run in a child process so the peak memory it reports is the export's own."""
import json
import time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.test import Client

from parcelback.accounts.actors import actor_for
from parcelback.bench.context import NEWEST_FIRST, Run, Sizes
from parcelback.bench.measure import QueryCounter
from parcelback.bench.processes import child, peak_rss_kb
from parcelback.bench.report import Row, ms
from parcelback.reverse_orders import jobs, selectors
from parcelback.reverse_orders.models import ExportJob


def measure(run: Run, sizes: Sizes) -> Row:
    newest = selectors.visible_orders(actor_for(run.merchant)).order_by(*NEWEST_FIRST)
    total = newest.count()
    params = {}
    if total > sizes.export:  # the newest `export` orders: from the created time of the last one
        params["time_from"] = newest.only("created_at")[sizes.export - 1].created_at.isoformat()
    process = child("export", {"user": run.merchant.username, "query": urlencode(params)})
    out, _err = process.communicate(timeout=1800)
    if process.returncode:
        raise CommandError(f"export child failed ({process.returncode}): {out[-500:]}")
    result = json.loads(out.strip().splitlines()[-1])
    peak = result["peak_kb"] / 1024
    return Row(
        f"CSV export, {result['rows']:,} orders ({result['bytes'] / 1e6:,.0f} MB), {result['how']}",
        ms(result["seconds"]), queries=str(result["queries"]), target="peak RSS < 200 MB",
        measured=f"{peak:,.0f} MB (at start {result['start_kb'] / 1024:,.0f} MB)", met=peak < 200,
    )


def export_child(stdout: OutputWrapper, *, user: str, query: str) -> None:
    """The export as the product does it for this many rows: streamed in the request, or (above
    PARCELBACK_EXPORT_STREAM_MAX) confirmed, queued and written by the worker's job, run here."""
    start_kb = peak_rss_kb()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=user))
    queries = QueryCounter()
    size = lines = 0
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        response = client.get("/orders/export.csv?" + query)
        if response.streaming:
            how = "streamed, child process"
            for chunk in response.streaming_content:
                size += len(chunk)
                lines += chunk.count(b"\n")
            rows = lines - 1
        else:
            how = "worker job, child process"
            client.post("/orders/exports/", {"fmt": "csv", "params": query})
            job = ExportJob.objects.filter(user__username=user).latest("id")
            while job.state in (ExportJob.State.PENDING, ExportJob.State.RUNNING) and jobs.run_next_export():
                job.refresh_from_db()
            if job.state != ExportJob.State.DONE:
                raise CommandError(f"export job {job.pk} ended {job.state}")
            size, rows = job.file.size, job.rows_written
            job.file.delete()
    seconds = time.perf_counter() - started
    peak_kb = peak_rss_kb()
    result = {"seconds": seconds, "bytes": size, "rows": rows, "queries": queries.count, "how": how,
              "start_kb": start_kb, "peak_kb": peak_kb}
    stdout.write(json.dumps(result))
