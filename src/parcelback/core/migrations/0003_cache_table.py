"""The database cache's table (settings.CACHES when REDIS_URL is not set), created with the schema so that
`parcelback migrate` and the test database have it whichever cache the settings name today."""
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "parcelback_cache"  # core.limits.CACHE_TABLE, frozen here as migrations are


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotency_per_user_and_route")]

    operations = [migrations.RunPython(create, drop)]
