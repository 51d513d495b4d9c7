import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def issue_codes_for_existing_registrations(apps, schema_editor):
    """Every self-pickup registration written before gets the issued code it shares with its batch (the same hash,
    registered by the same person at the same moment), so wrong attempts against it are counted too."""
    PickupCode = apps.get_model("reverse_orders", "PickupCode")
    PickupRegistration = apps.get_model("reverse_orders", "PickupRegistration")
    batches = (
        PickupRegistration.objects.filter(method="self_pickup", pickup_code__isnull=True)
        .exclude(pickup_code_hash="")
        .values_list("pickup_code_hash", "registered_by_id", "created_at")
        .distinct()
    )
    for code_hash, user_id, created_at in list(batches):
        code = PickupCode.objects.create(issued_by_id=user_id, created_at=created_at)
        PickupRegistration.objects.filter(
            method="self_pickup", pickup_code_hash=code_hash, registered_by_id=user_id, created_at=created_at
        ).update(pickup_code=code)


class Migration(migrations.Migration):

    dependencies = [
        ('reverse_orders', '0005_export_expired'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PickupCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('wrong_attempts', models.PositiveSmallIntegerField(default=0)),
                ('locked_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('issued_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'pickup code',
                'verbose_name_plural': 'pickup codes',
            },
        ),
        migrations.AddField(
            model_name='pickupregistration',
            name='pickup_code',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='registrations', to='reverse_orders.pickupcode'),
        ),
        migrations.RunPython(issue_codes_for_existing_registrations, migrations.RunPython.noop),
    ]
