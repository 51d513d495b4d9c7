"""The dashboard's figures as of a moment, kept in the shared cache for a few minutes and refreshed by the worker
before they age out, so the page is served at once however many orders lie behind it (counting a shop of 300,000
orders takes about a second). The page says as of when, and 立即刷新 counts again on the spot."""
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation

from parcelback.accounts.actors import Actor
from parcelback.accounts.models import Organisation, Role
from parcelback.reverse_orders import selectors

from . import figures

VERSION = 2  # in every key: a release that changes what a snapshot holds never reads an older one
VIEWED = f"dashboard:v{VERSION}:viewed"  # {snapshot key: (role, organisation id, warehouse, days, zone, language, when viewed)}
KEEP = 86400  # seconds a snapshot and the record of its view are kept; the worker refreshes what was viewed within
REFRESH_PER_SWEEP = 20


@dataclass
class Snapshot:
    """The figures as of a moment, with what the page shows of them made once: each chart's data table as HTML
    (`chart.table_html`, in the snapshot's language) and the charts' data for the script (`specs`)."""

    tiles: list[figures.Tile]
    charts: list[figures.Chart]
    as_of: datetime
    specs: list[dict] = field(default_factory=list)

    def __post_init__(self):
        for chart in self.charts:
            chart.table_html = render_to_string("dashboard/_table.html", {"chart": chart})
        self.specs = [chart.spec() for chart in self.charts]

    @property
    def age(self) -> float:
        return (timezone.now() - self.as_of).total_seconds()


def compute(actor: Actor, *, warehouse: str, days: int) -> Snapshot:
    orders = selectors.visible_orders(actor)
    scope = figures.Scope(orders.filter(warehouse__code=warehouse) if warehouse else orders, days=days, warehouse=warehouse)
    if actor.role == Role.PROVIDER_OPERATOR:
        queue = selectors.work_queue_counts(actor=actor, warehouse=warehouse)
        return Snapshot([], figures.provider_charts(scope, queue), scope.now)
    return Snapshot(figures.merchant_tiles(scope), figures.merchant_charts(scope), scope.now)


def view_of(actor: Actor, warehouse: str, days: int) -> tuple:
    """What a snapshot depends on: the organisation's side and id (a shop's operators and viewers see the same
    orders), the warehouse, the period, and the time zone and language it is shown in."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return (actor.role.value, actor.organisation.pk, warehouse, days, timezone.get_current_timezone_name(), language)


def key_of(view: tuple) -> str:
    role, organisation_id, *rest = view
    side = "provider" if role == Role.PROVIDER_OPERATOR else "shop"
    return f"dashboard:v{VERSION}:" + ":".join(map(str, (side, organisation_id, *rest)))


def snapshot(actor: Actor, *, warehouse: str, days: int, refresh: bool = False) -> Snapshot:
    """The figures for this view: the kept snapshot while fresh, else counted now (and kept)."""
    if actor.organisation is None:  # the platform admin: every order, counted each time
        return compute(actor, warehouse=warehouse, days=days)
    view = view_of(actor, warehouse, days)
    key = key_of(view)
    found = None if refresh else cache.get(key)
    if found is None or found.age > settings.PARCELBACK_DASHBOARD_FRESH_SECONDS:
        found = compute(actor, warehouse=warehouse, days=days)
        cache.set(key, found, KEEP)
    _remember(key, view)
    return found


def _remember(key: str, view: tuple) -> None:
    viewed = cache.get(VIEWED) or {}
    if time.time() - viewed.get(key, (0,) * 7)[-1] > 60:  # written at most once a minute per view
        viewed[key] = (*view, time.time())
        cache.set(VIEWED, viewed, KEEP)


def refresh_snapshots() -> int:
    """The worker's job: count again the views looked at within a day whose snapshot is past half its freshness,
    oldest first, a few per sweep; forget views nobody looked at for a day. Answers how many it refreshed."""
    viewed = cache.get(VIEWED) or {}
    now, half = time.time(), settings.PARCELBACK_DASHBOARD_FRESH_SECONDS / 2
    alive = {key: view for key, view in viewed.items() if now - view[-1] < KEEP}
    if len(alive) != len(viewed):
        cache.set(VIEWED, alive, KEEP)
    due = []
    for key, view in alive.items():
        found = cache.get(key)
        if found is None or found.age > half:
            due.append((found.age if found else float("inf"), key, view))
    refreshed = 0
    for _age, key, (role, organisation_id, warehouse, days, zone, language, _seen) in sorted(due, reverse=True)[:REFRESH_PER_SWEEP]:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            continue
        actor = Actor(user_id=None, username="system", role=Role(role), organisation=organisation)
        with translation.override(language), timezone.override(zone):
            cache.set(key, compute(actor, warehouse=warehouse, days=days), KEEP)
        refreshed += 1
    return refreshed
