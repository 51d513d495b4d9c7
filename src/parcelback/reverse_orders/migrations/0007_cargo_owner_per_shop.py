"""Cargo owners belong to a shop: an owner ID used by several shops becomes one owner per shop (same ID and name,
each shop's orders pointing at its own), and owners no order uses are removed (they have no shop to belong to)."""
from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models


def split_per_shop(apps, schema_editor):
    CargoOwner = apps.get_model("reverse_orders", "CargoOwner")
    ReverseOrder = apps.get_model("reverse_orders", "ReverseOrder")
    shops = defaultdict(list)
    pairs = ReverseOrder.objects.order_by("owner_id", "shop_id").values_list("owner_id", "shop_id").distinct()
    for owner_id, shop_id in pairs:
        shops[owner_id].append(shop_id)
    for owner in CargoOwner.objects.filter(pk__in=list(shops)):
        first, *others = shops[owner.pk]
        CargoOwner.objects.filter(pk=owner.pk).update(shop_id=first)
        for shop_id in others:
            copy = CargoOwner.objects.create(shop_id=shop_id, external_id=owner.external_id, name=owner.name)
            ReverseOrder.objects.filter(owner_id=owner.pk, shop_id=shop_id).update(owner_id=copy.pk)
    CargoOwner.objects.filter(shop__isnull=True).delete()
    _settle(schema_editor)


def merge_per_id(apps, schema_editor):
    """Backwards: one owner per ID again (the lowest id keeps its name)."""
    CargoOwner = apps.get_model("reverse_orders", "CargoOwner")
    ReverseOrder = apps.get_model("reverse_orders", "ReverseOrder")
    keep: dict[str, int] = {}
    for pk, external_id in CargoOwner.objects.order_by("pk").values_list("pk", "external_id"):
        if external_id in keep:
            ReverseOrder.objects.filter(owner_id=pk).update(owner_id=keep[external_id])
            CargoOwner.objects.filter(pk=pk).delete()
        else:
            keep[external_id] = pk
    _settle(schema_editor)


def _settle(schema_editor):
    # PostgreSQL refuses to alter a table with deferred foreign-key checks pending; run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("reverse_orders", "0006_pickup_code_lock")]

    operations = [
        migrations.AlterField(
            model_name="cargoowner",
            name="external_id",
            field=models.CharField(max_length=64, verbose_name="货主ID"),
        ),
        migrations.AddField(
            model_name="cargoowner",
            name="shop",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cargo_owners",
                to="accounts.organisation",
            ),
        ),
        migrations.RunPython(split_per_shop, merge_per_id),
        migrations.AlterField(
            model_name="cargoowner",
            name="shop",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="cargo_owners", to="accounts.organisation"
            ),
        ),
        migrations.AddConstraint(
            model_name="cargoowner",
            constraint=models.UniqueConstraint(fields=("shop", "external_id"), name="cargo_owner_unique_per_shop"),
        ),
    ]
