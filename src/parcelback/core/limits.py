"""What the limits (the API rate, the login lockout) need to hold across every server process: a shared counter
that two processes cannot both read before either writes, and the client's real address behind trusted proxies."""
import base64
import ipaddress
import pickle

from django.conf import settings
from django.core.cache.backends import db
from django.db import connections, router
from django.utils import timezone

CACHE_TABLE = "parcelback_cache"


class DatabaseCache(db.DatabaseCache):
    """Django's database cache, whose `incr` is a read then a write (two processes both read 5 and both write 6).
    Here the write is a compare-and-swap: it lands only if the value is still the one read, else it reads again.
    Single statements, no transaction of its own: safe inside a caller's transaction and on both databases."""

    ATTEMPTS = 50

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_write(self.cache_model_class)]
        name = connection.ops.quote_name
        table, value_column, key_column = name(self._table), name("value"), name("cache_key")
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with connection.cursor() as cursor:
            for _attempt in range(self.ATTEMPTS):
                cursor.execute(
                    f"SELECT {value_column} FROM {table} WHERE {key_column} = %s AND {name('expires')} >= %s", [key, now]
                )
                row = cursor.fetchone()
                if row is None:
                    raise ValueError(f"Key '{key}' not found")
                value = pickle.loads(base64.b64decode(row[0].encode())) + delta
                encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
                cursor.execute(
                    f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s AND {value_column} = %s",
                    [encoded, key, row[0]],
                )
                if cursor.rowcount == 1:
                    return value
        raise ValueError(f"Key '{key}' kept changing")  # counted as a fresh window by the caller: never a 500


def count_in_window(cache, key: str, timeout: int) -> int:
    """Add one to the counter `key` (created with `timeout` seconds to live) and answer its new value, atomically
    across processes on Redis and on the database cache above."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or its counter just expired)
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(key)  # another process created it in between
        except ValueError:  # and it expired again, or kept changing: count this request as the window's first
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
