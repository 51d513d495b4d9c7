"""Idempotency keys belong to one user and one route, and keep their answer sealed.

The old rows were scoped per organisation and held answers (pickup codes, webhook secrets) in the clear: they are
dropped with the old table rather than carried over. A client retrying across this upgrade acts again, and the
domain's own checks (a second registration, a second cancel) refuse the duplicate."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="IdempotencyKey"),
        migrations.CreateModel(
            name="IdempotencyKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("route", models.CharField(max_length=255)),
                ("key", models.CharField(max_length=255)),
                ("request_hash", models.CharField(max_length=64)),
                ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("sealed_response", models.TextField(blank=True)),
                ("response_content_type", models.CharField(blank=True, max_length=100)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "route", "key"), name="idempotency_key_once_per_user_route")
                ],
            },
        ),
    ]
