"""What every measured path shares: the run's sizes, the generated users it measures as, and a shop of its own."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from parcelback.accounts.actors import Actor, actor_for
from parcelback.accounts.models import Membership, Organisation, Role, Warehouse
from parcelback.reverse_orders.filters import ORDERINGS
from parcelback.reverse_orders.models import CargoOwner


@dataclass(frozen=True)
class Sizes:
    repeat: int  # timed runs of each read path
    batch: int  # orders in the batch pickup
    batch_repeat: int
    bulk_calls: int  # API calls of the provider's bulk create
    bulk_size: int  # orders per call
    export: int  # orders in the CSV export at most
    webhooks: int  # deliveries per worker run
    webhook_seconds: int  # a worker run stops after this long whatever happens


FULL = Sizes(repeat=50, batch=1000, batch_repeat=5, bulk_calls=10, bulk_size=1000, export=100_000, webhooks=2000, webhook_seconds=180)
QUICK = Sizes(repeat=3, batch=50, batch_repeat=2, bulk_calls=2, bulk_size=100, export=100_000, webhooks=40, webhook_seconds=60)

NEWEST_FIRST = ORDERINGS["-created"]


@dataclass(frozen=True)
class World:
    """The benchmark's own shop, provider, warehouse and cargo owner, and an operator of that shop: the writes
    go there, away from the generated data the reads measure."""

    actor: Actor
    shop: Organisation
    provider: Organisation
    warehouse: Warehouse
    owner: CargoOwner


@dataclass(frozen=True)
class Run:
    """One run: the generated users it measures as, its tag (in every name it creates) and its own world."""

    merchant: AbstractBaseUser  # gen-merchant, of the largest shop
    provider: AbstractBaseUser  # gen-provider, the first provider
    tag: str
    world: World


@transaction.atomic
def make_world(tag: str) -> World:
    shop = Organisation.objects.create(code=f"bench-shop-{tag}", name="Bench shop", kind="shop")
    provider = Organisation.objects.create(code=f"bench-prov-{tag}", name="Bench provider", kind="provider")
    warehouse = Warehouse.objects.create(code=f"bench-wh-{tag}", name="Bench warehouse", provider=provider)
    owner = CargoOwner.objects.create(shop=shop, external_id="BENCH", name="Bench owner")
    user = get_user_model().objects.create(username=f"bench-{tag}")
    Membership.objects.create(user=user, organisation=shop, role=Role.MERCHANT_OPERATOR)
    return World(actor=actor_for(user), shop=shop, provider=provider, warehouse=warehouse, owner=owner)
