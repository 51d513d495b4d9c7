"""What the limits (the API rate, the login lockout) need to hold across every server process: a shared counter
that two processes cannot both read before either writes, and the client's real address behind trusted proxies."""
import ipaddress

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router

from .models import RateCounter


def count_in_window(key: str, slot: int, period: int) -> int:
    """Add one to the counter `key` for window number `slot` (of `period` seconds) and answer its count, atomically
    across processes in one round trip: INCR on Redis (a key per window, expiring with it); on the database one
    INSERT … ON CONFLICT … RETURNING that starts the count again when a later window begins (a late request of an
    earlier window counts in the current one)."""
    if isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache):
        return _count_in_redis(f"{key}-{slot}", timeout=period + 1)
    connection = connections[router.db_for_write(RateCounter)]
    name = connection.ops.quote_name
    table, k, s, h = name(RateCounter._meta.db_table), name("key"), name("slot"), name("hits")
    later = f"excluded.{s} > {table}.{s}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {s}, {h}) VALUES (%s, %s, 1) ON CONFLICT ({k}) DO UPDATE SET"
            f" {h} = CASE WHEN {later} THEN 1 ELSE {table}.{h} + 1 END,"
            f" {s} = CASE WHEN {later} THEN excluded.{s} ELSE {table}.{s} END RETURNING {h}",
            [key, slot],
        )
        return cursor.fetchone()[0]


def _count_in_redis(key: str, timeout: int) -> int:
    cache = caches[DEFAULT_CACHE_ALIAS]
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or its counter just expired)
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(key)  # another process created it in between
        except ValueError:  # and it expired again: count this request as the window's first
            return 1


def _trusted(address: str, proxies: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def client_address(request) -> str | None:
    """The address the login lockout counts: the socket's peer, unless that peer is a trusted proxy
    (PARCELBACK_TRUSTED_PROXIES: its addresses or networks, or how many proxies stand in front), in which case the
    nearest address in X-Forwarded-For that is not itself a trusted proxy. A client's own X-Forwarded-For counts
    for nothing when no proxy is trusted."""
    peer = request.META.get("REMOTE_ADDR")
    proxies = settings.PARCELBACK_TRUSTED_PROXIES
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not proxies or not forwarded:
        return peer
    if len(proxies) == 1 and proxies[0].isdigit():  # a count: each proxy appends the address it was reached from
        count = int(proxies[0])
        client = forwarded[-count] if 0 < count <= len(forwarded) else None
    elif _trusted(peer or "", proxies):
        client = next((hop for hop in reversed(forwarded) if not _trusted(hop, proxies)), forwarded[0])
    else:
        client = None
    return client if client and _is_address(client) else peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
