import gc
import sqlite3

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def use_sqlite_variable_limit(sender, connection, **kwargs):
    """Django assumes SQLite's old limit of 999 bound variables and splits bulk writes to fit; the SQLite
    we run on allows far more, so a batch of 1,000 orders is one INSERT per table, as on PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def tune_garbage_collector():
    """A request writing 1,000 orders allocates a few hundred thousand objects; at CPython's default threshold
    (700) the cyclic collector runs hundreds of times and rescans everything start-up built (settings, URL
    patterns, models), a third of that request's time. What start-up built is frozen out of the scans, and
    young objects are collected every 10,000 allocations instead of 700 (older generations as by default). Code
    that churns through cyclic garbage in bulk breaks its cycles itself (see exports.rows)."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


class CoreConfig(AppConfig):
    name = "parcelback.core"
    label = "core"

    def ready(self):
        connection_created.connect(use_sqlite_variable_limit, dispatch_uid="parcelback.sqlite_limit")
        tune_garbage_collector()
