"""Speed as people feel it: `parcelback serve` (gunicorn) started on the scratch database, and each path loaded by
wrk from a second process for a fixed time; its p50/p90/p99 latency, requests a second and errors against the
targets of issue 15. It changes no order: one API token and two console sessions, revoked and ended afterwards."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import ApiToken
from parcelback.reverse_orders import selectors
from parcelback.reverse_orders.models import ReverseOrder, Status

from .processes import database_url
from .report import commit, database, machine, replace_section

LIST_FILTER = {"tab": "customs_return", "status": "awaiting_instruction"}
BATCH = 200  # orders in the pickup plan preview
# The per-token rate limit stays on (counting is part of every API call); only its ceiling is out of the way.
LIFTED_RATE = "100000000/min"
HOST = "127.0.0.1"
START_SECONDS = 120  # collectstatic and gunicorn's start on a slow machine
WARM_UP = 1  # seconds of load on each path before it is measured, over as many connections as workers
WRK_TIMEOUT = "30s"  # a slow answer is measured, not dropped as a timeout (wrk's default is 2 s)


@dataclass(frozen=True)
class Probe:
    """One path under load: whom it is asked as, over how many connections, which answer is right, its target."""

    name: str
    url: str
    headers: dict[str, str]
    connections: int = 1
    status: int = 200  # what the check before the load must get (wrk itself counts only 4xx/5xx as errors)
    location: str = ""  # where that answer must redirect to (a 302 to the login page would be no success)
    p50_ms: float | None = None  # target: half the answers within this
    per_second: float | None = None  # target: at least this many answers a second

    @property
    def target(self) -> str:
        if self.per_second is not None:
            return f"≥ {self.per_second:.0f} req/s, 0 errors"
        return f"p50 ≤ {self.p50_ms:.0f} ms"


@dataclass(frozen=True)
class Load:
    """What wrk measured: latencies in seconds, answers a second, and the failed ones (4xx/5xx and socket errors)."""

    p50: float
    p90: float
    p99: float
    per_second: float
    requests: int
    errors: int


@dataclass(frozen=True)
class Result:
    probe: Probe
    load: Load

    @property
    def met(self) -> bool:
        """A row with any failed answer misses its target whatever its speed."""
        load, probe = self.load, self.probe
        return (
            load.requests > 0 and load.errors == 0
            and (probe.p50_ms is None or load.p50 * 1000 <= probe.p50_ms)
            and (probe.per_second is None or load.per_second >= probe.per_second)
        )


# --- the server -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serving(workers: int):
    """`parcelback serve` on a free port for the length of the block, stopped whatever ends it; yields the port."""
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="parcelback-serve-", suffix=".log") as log, exit_on_sigterm():
        server = start_server(port, workers, log)
        try:
            wait_until_up(server, port, Path(log.name))
            yield port
        finally:
            stop_server(server)


def start_server(port: int, workers: int, log) -> subprocess.Popen:
    """`parcelback serve` on the current database, in a session of its own so that it and its gunicorn workers
    can be stopped together (and a Ctrl-C in the terminal reaches only this process, which then stops them)."""
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "PARCELBACK_DATA_DIR": str(settings.DATA_DIR),
        "PARCELBACK_API_RATE": LIFTED_RATE,
        "ALLOWED_HOSTS": HOST,
    }
    command = [sys.executable, "-m", "parcelback.cli", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    # The access log goes to a file: a pipe nobody reads would fill up and stall the server under load.
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(server: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"parcelback serve exited ({server.returncode}):\n{log_tail(log_path)}")
        try:
            get(port, "/", {})
            return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"parcelback serve did not answer on port {port} within {START_SECONDS} s:\n{log_tail(log_path)}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to gunicorn's master (it stops its workers), and SIGKILL to the whole group if that takes too long."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # any worker left behind
    except ProcessLookupError:
        pass
    server.wait()


@contextmanager
def exit_on_sigterm():
    """A SIGTERM (`kill`, a CI timeout) ends the run through its `finally` blocks as Ctrl-C does: the server is
    in a session of its own, so nothing else would stop it."""
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def log_tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- one path: checked once, then loaded ----------------------------------------------------------------


def get(port: int, url: str, headers: dict[str, str]) -> tuple[int, str]:
    """One GET without following a redirect: its status and where it points."""
    http = HTTPConnection(HOST, port, timeout=60)
    try:
        http.request("GET", url, headers=headers)
        response = http.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        http.close()


def check(port: int, probe: Probe) -> None:
    status, location = get(port, probe.url, probe.headers)
    if (status, location) != (probe.status, probe.location):
        got, expected = (f"{status} {location}".strip(), f"{probe.status} {probe.location}".strip())
        raise CommandError(f"{probe.name}: GET {probe.url[:200]} answered {got}, expected {expected}")


def wrk(port: int, probe: Probe, seconds: int, connections: int | None = None) -> Load:
    connections = connections or probe.connections
    threads = min(connections, 2)
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", WRK_TIMEOUT]
    for name, value in probe.headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, f"http://{HOST}:{port}{probe.url}"], capture_output=True, text=True, check=False,
                          timeout=seconds + 120)
    if done.returncode != 0:
        raise CommandError(f"wrk failed on {probe.name}: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk(text: str) -> Load:
    """wrk's `--latency` report: the latency distribution, the request count, Requests/sec, and its error lines."""

    def found(pattern: str) -> str:
        match = re.search(pattern, text, re.MULTILINE)
        if not match:
            raise CommandError(f"wrk's report lacks {pattern!r}:\n{text}")
        return match.group(1)

    def latency(percent: int) -> float:
        value, unit = re.fullmatch(r"([\d.]+)([a-z]+)", found(rf"^\s+{percent}%\s+(\S+)\s*$")).groups()
        return float(value) * UNITS[unit]

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    bad_answers = re.search(r"Non-2xx or 3xx responses: (\d+)", text)  # wrk prints either line only when not 0
    return Load(
        p50=latency(50), p90=latency(90), p99=latency(99),
        per_second=float(found(r"^Requests/sec:\s+([\d.]+)")),
        requests=int(found(r"^\s+(\d+) requests in ")),
        errors=(sum(map(int, socket_errors.groups())) if socket_errors else 0) + (int(bad_answers.group(1)) if bad_answers else 0),
    )


# --- the run --------------------------------------------------------------------------------------------


def probes(merchant, provider, *, bearer: str, merchant_cookie: str, provider_cookie: str) -> list[Probe]:
    """The paths of issue 15 on gen-merchant's and gen-provider's data."""
    awaiting = QueryDict(urlencode({"status": Status.AWAITING_INSTRUCTION}))
    batch, _total = selectors.numbers_matching(actor=actor_for(merchant), params=awaiting, limit=BATCH)  # newest first
    if not batch:
        raise CommandError("gen-merchant has no order awaiting instruction: generate more data.")
    scanned = selectors.visible_orders(actor_for(provider)).order_by("-created_at", "-id").values_list("number", flat=True).first()
    if scanned is None:
        raise CommandError("gen-provider has no orders: generate more data.")
    order = batch[0]  # the shop's newest order awaiting instruction
    api = {"Authorization": f"Bearer {bearer}"}
    console = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={merchant_cookie}"}
    warehouse = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={provider_cookie}"}
    listed = "/api/v1/reverse-orders?" + urlencode({"limit": 50, **LIST_FILTER})
    return [
        Probe("list API, 50 rows, 1 connection", listed, api, p50_ms=12),
        Probe("list API, 50 rows, 8 connections", listed, api, connections=8, per_second=200),
        Probe("HTML list page, same filter", "/orders/?" + urlencode(LIST_FILTER), console, p50_ms=40),
        Probe("order detail API", f"/api/v1/reverse-orders/{order}", api, p50_ms=20),
        Probe("order detail page", f"/orders/{order}/", console, p50_ms=30),
        # One match answers with a redirect to the order's page; the page after it is the detail page above.
        Probe("scan-box lookup (work queue, one match)", "/orders/queue/?" + urlencode({"q": scanned}), warehouse,
              status=302, location=f"/orders/{scanned}/", p50_ms=30),
        Probe(f"batch pickup plan preview, {len(batch)} orders",
              "/orders/batch/pickup/?" + urlencode({"numbers": ",".join(batch)}), console, p50_ms=150),
        Probe("empty authenticated API answer", "/api/v1/reverse-orders?numbers=RV1", api, p50_ms=4),
    ]


def run(*, seconds: int, workers: int, quick: bool, out, output: str | None) -> None:
    if not shutil.which("wrk"):
        raise CommandError("wrk is not installed (Debian: apt-get install wrk).")
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["gen-merchant", "gen-provider"])}
    if len(users) < 2:
        raise CommandError("No generated data: run `parcelback generate --orders N` first.")
    merchant, provider = users["gen-merchant"], users["gen-provider"]
    started, load_average = timezone.now(), os.getloadavg()[0]
    total, shop_orders = ReverseOrder.objects.count(), selectors.visible_orders(actor_for(merchant)).count()
    token, secret = ApiToken.issue(user=merchant, name="bench server")
    merchant_console, provider_console = Client(), Client()
    results = []
    try:
        merchant_console.force_login(merchant)  # not login(): django-axes wants a request there
        provider_console.force_login(provider)
        cookie = settings.SESSION_COOKIE_NAME
        paths = probes(merchant, provider, bearer=secret, merchant_cookie=merchant_console.cookies[cookie].value,
                       provider_cookie=provider_console.cookies[cookie].value)
        with serving(workers) as port:
            for probe in paths:
                check(port, probe)
                wrk(port, probe, WARM_UP, connections=workers)  # unmeasured: every worker has served the path
                results.append(Result(probe, wrk(port, probe, seconds)))
    finally:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        merchant_console.logout()
        provider_console.logout()
    report = Path(output or "docs/PERFORMANCE.md")
    text = section(results, seconds=seconds, workers=workers, quick=quick, started=started, load_average=load_average,
                   total=total, shop_orders=shop_orders, report=report)
    out.write(text)
    if output:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(replace_section(report.read_text() if report.exists() else "", f"server-{connection.vendor}", text))
        out.write(f"Wrote {report}")


def table(results: list[Result]) -> str:
    head = ["path", "connections", "p50 ms", "p90 ms", "p99 ms", "req/s", "requests", "errors", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        load = r.load
        lines.append(
            f"| {r.probe.name} | {r.probe.connections} | {load.p50 * 1000:.1f} | {load.p90 * 1000:.1f} | {load.p99 * 1000:.1f}"
            f" | {load.per_second:,.0f} | {load.requests:,} | {load.errors:,} | {r.probe.target} | {'met' if r.met else '**missed**'} |"
        )
    return "\n".join(lines)


def section(results, *, seconds, workers, quick, started, load_average, total, shop_orders, report: Path) -> str:
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor, connection.vendor)
    return "\n".join([
        f"## Through the server, {title}" + (" — quick smoke run, not a measurement" if quick else ""),
        "",
        f"- **Machine**: {machine()}; load average {load_average:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
        f"- **Database**: {database()}",
        f"- **Rows**: {total:,} reverse orders; the largest shop (gen-merchant) holds {shop_orders:,}",
        f"- **Commit**: {commit(report)}",
        f"- **Date**: {started:%Y-%m-%d %H:%M} UTC",
        (f"- **Load**: wrk for {seconds} s per path, 1 connection (1 thread) or 8 connections (2 threads), after"
         f" {WARM_UP} s of unmeasured warm-up over {workers} connections; gunicorn with {workers} sync workers"),
        "",
        table(results),
        "",
        "`parcelback bench_server` measures what a person or an integration waits for: `parcelback serve` (gunicorn,",
        "as deployed) runs on the scratch database, and wrk, a second process, keeps each path busy over HTTP for the",
        "whole run, with an API token or a console session of gen-merchant (the largest shop) or gen-provider (its",
        f"first provider). The list filter is `{urlencode(LIST_FILTER)}`, newest first; the detail is the",
        "shop's newest order awaiting instruction; the scan-box lookup is answered with a redirect to the order's",
        "page (that page is the detail row); the batch preview is the pickup dialog's plan for the shop's newest",
        "orders awaiting instruction. The API rate limit still counts every call, with its ceiling lifted for the",
        "run. *errors* are 4xx/5xx answers and socket errors; a row with any is missed whatever its speed.",
    ])
