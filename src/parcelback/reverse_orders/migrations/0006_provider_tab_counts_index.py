"""The provider's side of the tab counts: (provider, status, warehouse, reverse_type), counted from the index."""
from django.db import migrations, models


def refresh_statistics(apps, schema_editor):
    """As in 0004: SQLite must not plan with statistics from before this index existed."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE reverse_orders_reverseorder")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('reverse_orders', '0005_export_expired'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reverseorder',
            index=models.Index(fields=['provider', 'status', 'warehouse', 'reverse_type'], name='ro_provider_status_wh_type'),
        ),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
