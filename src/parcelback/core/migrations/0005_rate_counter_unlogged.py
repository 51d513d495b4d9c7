"""On PostgreSQL the rate counters skip the write-ahead log: each API call writes one, and a counter lost in a
crash only restarts a window's count (it is not replicated to standbys either, which never count)."""
from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecounter SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_ratecounter SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_rate_counter")]

    operations = [migrations.RunPython(unlogged, logged)]
