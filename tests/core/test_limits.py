"""The API rate limit holds across server processes: counted in the database (a row per user, one statement a
call) or in Redis when REDIS_URL is set, never in one process's memory."""
import multiprocessing
import os
import uuid
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import override_settings

from parcelback.core import api as core_api
from parcelback.core.api import PerTokenThrottle
from parcelback.core.limits import count_in_window
from parcelback.core.models import RateCounter

PROCESSES, ATTEMPTS, RATE = 4, 15, 20
FROZEN = 1_800_000_030.0  # mid-window, whatever the period: no test straddles two windows


def _attempts(user_id: int, start, results) -> None:
    """One server process: its own throttle object, its own database connection or Redis client."""
    throttle = PerTokenThrottle()
    request = SimpleNamespace(auth=SimpleNamespace(user_id=user_id))
    start.wait(10)
    results.put(sum(throttle.allow_request(request) for _ in range(ATTEMPTS)))
    connections.close_all()


def allowed_across_processes(monkeypatch, settings) -> int:
    settings.PARCELBACK_API_RATE = f"{RATE}/min"
    monkeypatch.setattr(core_api, "time", SimpleNamespace(time=lambda: FROZEN))
    user_id = uuid.uuid4().int % 10**9  # a user no other test counts for
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    connections.close_all()  # each child opens its own connection
    children = [context.Process(target=_attempts, args=(user_id, start, results)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    start.set()
    allowed = sum(results.get(timeout=60) for _ in children)
    for child in children:
        child.join(10)
        assert child.exitcode == 0
    return allowed


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_counts_across_processes_in_the_database(monkeypatch, settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert allowed_across_processes(monkeypatch, settings) == RATE
    assert RateCounter.objects.filter(key__startswith="pb-throttle-").count() == 1


def redis_url() -> str | None:
    """Redis on this machine (REDIS_URL or 127.0.0.1:6379); None when it does not answer."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return None
    return url


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_counts_across_processes_in_redis(monkeypatch, settings):
    url = redis_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer; CI runs this test against it")
        pytest.skip("Redis does not answer")
    prefix = f"pb-test-{uuid.uuid4().hex}"  # other test runs share this Redis
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}}
    with override_settings(CACHES=redis_cache):
        assert allowed_across_processes(monkeypatch, settings) == RATE
        keys = list(caches["default"]._cache.get_client().scan_iter(f"{prefix}:*"))
        assert len(keys) == 1  # one counter for the one window, expiring with it
        assert 0 < caches["default"]._cache.get_client().ttl(keys[0]) <= 61
        caches["default"]._cache.get_client().delete(*keys)


def test_a_counter_starts_at_one_counts_up_and_starts_again_in_the_next_window(db):
    key = f"pb-test-{uuid.uuid4().hex}"
    assert [count_in_window(key, 100, 60) for _ in range(3)] == [1, 2, 3]
    assert [count_in_window(key, 101, 60) for _ in range(2)] == [1, 2]
    assert count_in_window(key, 100, 60) == 3  # a late request of the last window counts in the current one
    assert RateCounter.objects.filter(key=key).values_list("slot", "hits").get() == (101, 3)


def test_one_statement_a_call(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        count_in_window(f"pb-test-{uuid.uuid4().hex}", 1, 60)


def test_over_the_limit_answers_429_with_retry_after_until_the_window_ends(api, world, settings, monkeypatch):
    settings.PARCELBACK_API_RATE = "2/min"
    monkeypatch.setattr(core_api, "time", SimpleNamespace(time=lambda: 1_800_000_000.0 + 45))  # 15 s before the window ends
    client = api(world.merchant1)
    assert [client.get("/reverse-orders").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/reverse-orders")["Retry-After"] == "15"


def test_on_postgresql_the_counters_skip_the_write_ahead_log(db):
    if connections["default"].vendor != "postgresql":
        pytest.skip("an UNLOGGED table is PostgreSQL's")
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'core_ratecounter'")
        assert cursor.fetchone() == ("u",)
