"""Webhook secrets at rest only sealed: each existing plain secret is sealed into `secret_sealed` (0006 then drops
the plain column), with room for the previous secret during a rotation."""
from django.db import migrations, models

from parcelback.core.sealing import seal, unseal

PURPOSE = "webhook-secret"


def seal_secrets(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in Endpoint.objects.only("pk", "secret").iterator():
        Endpoint.objects.filter(pk=endpoint.pk).update(secret_sealed=seal(endpoint.secret, purpose=PURPOSE))


def unseal_secrets(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in Endpoint.objects.only("pk", "secret_sealed").iterator():
        Endpoint.objects.filter(pk=endpoint.pk).update(secret=unseal(endpoint.secret_sealed, purpose=PURPOSE).decode())


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks", "0004_pruning_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="secret_sealed",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="previous_secret_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="previous_secret_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(seal_secrets, unseal_secrets),
    ]
