"""Factories for tests: a world of shops, providers, warehouses, people and orders built in a line or two."""
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from parcelback.accounts.actors import actor_for
from parcelback.accounts.models import Membership, Organisation, Role, Warehouse
from parcelback.reverse_orders.models import CargoOwner, OrderLine, ReverseOrder, ReverseType, Status


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"组织{n}")
    kind = Organisation.Kind.SHOP


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"wh{n}")
    name = factory.Sequence(lambda n: f"集货仓{n}")
    provider = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PROVIDER)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("demo12345")


class CargoOwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CargoOwner
        django_get_or_create = ("shop", "external_id")

    shop = factory.SubFactory(OrganisationFactory)
    external_id = factory.Sequence(lambda n: f"OWN-{n}")
    name = factory.Sequence(lambda n: f"货主{n}")


class ReverseOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReverseOrder
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"RV20261126{n:06d}")
    external_ref = factory.Sequence(lambda n: f"EXT-{n}")
    shop = factory.SubFactory(OrganisationFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    provider = factory.SelfAttribute("warehouse.provider")
    owner = factory.SubFactory(CargoOwnerFactory, shop=factory.SelfAttribute("..shop"))  # the order's shop's owner
    reverse_type = ReverseType.CUSTOMS_RETURN
    business_mode = "pop"
    status = Status.AWAITING_INSTRUCTION
    sales_return_no = factory.Sequence(lambda n: f"ST{n:08d}")
    order_no = factory.Sequence(lambda n: f"69{n:010d}")
    arrived_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    instruction_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    @factory.post_generation
    def goods(self, create, extracted, **kwargs):
        if create:
            for goods_id, name in extracted or [("70001", "日本花王 蒸汽眼罩 12片")]:
                OrderLine.objects.create(
                    order=self, product_id=f"P{goods_id}", product_name=name, goods_id=goods_id, goods_name=name, quantity=2
                )


def person(organisation: Organisation | None, role: Role, username: str | None = None):
    """A user with a membership (or a superuser for the admin role) and the Actor the services take."""
    user = UserFactory(**({"username": username} if username else {}))
    if role == Role.ADMIN:
        user.is_superuser = user.is_staff = True
        user.save()
    else:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return actor_for(user)
