"""The benchmark data generator makes consistent orders of every kind."""
import pytest
from django.core.management import call_command
from django.db.models import Count

from parcelback.reverse_orders.models import (
    DestructionConfirmation,
    OrderLine,
    PickupRegistration,
    ReverseOrder,
    ReverseType,
    Status,
)

pytestmark = pytest.mark.django_db


def test_generates_a_consistent_skewed_mix():
    call_command("generate", orders=3000, seed=3, stdout=open("/dev/null", "w"))
    assert ReverseOrder.objects.count() == 3000
    assert set(ReverseOrder.objects.values_list("reverse_type", flat=True)) == set(ReverseType)
    assert set(ReverseOrder.objects.values_list("status", flat=True)) == set(Status)
    assert set(ReverseOrder.objects.values_list("exception_state", flat=True)) == {"none", "pending", "resolved"}
    biggest = ReverseOrder.objects.values("shop").annotate(n=Count("id")).order_by("-n")[0]["n"]
    assert 0.25 < biggest / 3000 < 0.35
    assert 1 <= OrderLine.objects.count() / 3000 <= 3
    registered = ReverseOrder.objects.filter(status__in=["awaiting_pickup", "picked_up", "forwarded"])
    assert PickupRegistration.objects.count() == registered.count()
    assert not registered.filter(pickup_method__isnull=True).exists()
    assert not ReverseOrder.objects.filter(status="picked_up").exclude(pickup_method="self_pickup").exists()
    assert not ReverseOrder.objects.filter(status__in=["picked_up", "forwarded", "destroyed"], arrived_at__isnull=True).exists()
    confirmed = ReverseOrder.objects.filter(status__in=["awaiting_destruction", "destroyed"])
    assert DestructionConfirmation.objects.count() == confirmed.count()
    assert not confirmed.exclude(reverse_type=ReverseType.CUSTOMS_DESTROY).exists()
    assert ReverseOrder.objects.values("number").distinct().count() == 3000
