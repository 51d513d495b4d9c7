"""Indexes for the list at a million orders: tab counts read from an index alone (a shop's and a provider's
orders by status and warehouse, per type), a whole list sorted by deadline or update time, and the warehouse's
work-queue counts."""
from django.db import migrations, models


def refresh_statistics(apps, schema_editor):
    """SQLite plans from the statistics in sqlite_stat1. A database analysed before these indexes existed has none
    for them, and the planner then took the tab-count index for a shop's newest orders and sorted the whole shop
    (70 ms instead of 1 ms at 200,000 orders); analysing the table again gives the planner the truth. PostgreSQL
    needs no help."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE reverse_orders_reverseorder")


INDEXES = [
    models.Index(fields=["shop", "status", "warehouse", "reverse_type"], name="ro_shop_status_wh_type"),
    models.Index(fields=["provider", "status", "warehouse", "reverse_type"], name="ro_provider_status_wh_type"),
    models.Index(fields=["provider", "status", "exception_state", "pickup_method", "arrived_at"], name="ro_provider_queue"),
    models.Index(fields=["shop", "instruction_deadline", "id"], name="ro_shop_deadline"),
    models.Index(fields=["provider", "instruction_deadline", "id"], name="ro_provider_deadline"),
    models.Index(fields=["provider", "-updated_at", "-id"], name="ro_provider_updated"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reverse_orders", "0003_export_jobs"),
    ]

    operations = [
        *(migrations.AddIndex(model_name="reverseorder", index=index) for index in INDEXES),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
