import sqlite3

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def use_sqlite_variable_limit(sender, connection, **kwargs):
    """Django assumes SQLite's old limit of 999 bound variables and splits bulk writes to fit; the SQLite
    we run on allows far more, so a batch of 1,000 orders is one INSERT per table, as on PostgreSQL."""
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class CoreConfig(AppConfig):
    name = "parcelback.core"
    label = "core"

    def ready(self):
        connection_created.connect(use_sqlite_variable_limit, dispatch_uid="parcelback.sqlite_limit")
