"""The plain `whsec_` column goes (0005 sealed every value); going back re-adds it empty and 0005 fills it."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks", "0005_seal_endpoint_secrets"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="webhookendpoint",
            name="secret",
        ),
    ]
