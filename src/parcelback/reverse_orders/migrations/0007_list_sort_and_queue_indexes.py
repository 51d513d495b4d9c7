"""Sorting a whole shop's or provider's list by deadline, or a provider's by update time, and counting the
warehouse's work queue, each from an index."""
from django.db import migrations, models


def refresh_statistics(apps, schema_editor):
    """As in 0004: SQLite must not plan with statistics from before these indexes existed."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE reverse_orders_reverseorder")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('reverse_orders', '0006_provider_tab_counts_index'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reverseorder',
            index=models.Index(fields=['shop', 'instruction_deadline', 'id'], name='ro_shop_deadline'),
        ),
        migrations.AddIndex(
            model_name='reverseorder',
            index=models.Index(fields=['provider', 'instruction_deadline', 'id'], name='ro_provider_deadline'),
        ),
        migrations.AddIndex(
            model_name='reverseorder',
            index=models.Index(fields=['provider', '-updated_at', '-id'], name='ro_provider_updated'),
        ),
        migrations.AddIndex(
            model_name='reverseorder',
            index=models.Index(fields=['provider', 'status', 'exception_state', 'pickup_method', 'arrived_at'], name='ro_provider_queue'),
        ),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
