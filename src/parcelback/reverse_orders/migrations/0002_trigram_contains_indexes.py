"""Trigram indexes so "name contains" searches (goods, product, cargo owner) use an index on PostgreSQL.

They match the expression Django emits for `icontains` there: UPPER(column::text) LIKE UPPER('%...%').
SQLite has no equivalent; there these searches scan the table.
"""
from django.db import migrations

INDEXES = [
    ("line_goods_name_trgm", "reverse_orders_orderline", "goods_name"),
    ("line_product_name_trgm", "reverse_orders_orderline", "product_name"),
    ("owner_name_trgm", "reverse_orders_cargoowner", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("reverse_orders", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
