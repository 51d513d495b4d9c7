"""The orders' table on PostgreSQL is vacuumed sooner than by default: counts are index-only scans, which read the
table for every row of a page changed since the last VACUUM (migration 0011)."""
import pytest
from django.db import connection


def test_the_orders_table_is_vacuumed_after_one_percent_changes(db):
    if connection.vendor != "postgresql":
        pytest.skip("autovacuum is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'reverse_orders_reverseorder'")
        options = dict(option.split("=") for option in cursor.fetchone()[0])
    assert options == {
        "autovacuum_vacuum_scale_factor": "0.01",
        "autovacuum_vacuum_insert_scale_factor": "0.01",
        "autovacuum_analyze_scale_factor": "0.02",
    }
