"""On PostgreSQL the orders' table is vacuumed after 1% of its rows changed or were added, not PostgreSQL's default
20%: every count (tabs, the stats API, the dashboard) is an index-only scan, which reads the table for each row on a
page changed since the last VACUUM. Measured at 1M orders after a benchmark's few thousand writes: the shop's tab
counts read 69,573 table rows and took 74 ms; vacuumed, 20 ms."""
from django.db import migrations

SOONER = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.02"
DEFAULTS = "autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor, autovacuum_analyze_scale_factor"


def sooner(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE reverse_orders_reverseorder SET ({SOONER})")


def as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE reverse_orders_reverseorder RESET ({DEFAULTS})")


class Migration(migrations.Migration):
    dependencies = [("reverse_orders", "0010_dashboard_covering_indexes")]

    operations = [migrations.RunPython(sooner, as_before)]
