"""Who acts: organisations (shops and providers), the warehouses providers run, and people's roles."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A shop (the merchant who owns the goods) or a provider (who runs consolidation warehouses)."""

    class Kind(models.TextChoices):
        SHOP = "shop", _("Shop")
        PROVIDER = "provider", _("Service provider")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Warehouse(models.Model):
    """A provider's consolidation warehouse, where returned parcels wait for the merchant's instruction."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="warehouses", limit_choices_to={"kind": "provider"}
    )
    # Shown to merchants on orders and on the pickup slip: where to collect a parcel, when, whom to call.
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MERCHANT_OPERATOR = "merchant_operator", _("Merchant operator")
    MERCHANT_VIEWER = "merchant_viewer", _("Merchant viewer")
    PROVIDER_OPERATOR = "provider_operator", _("Provider operator")
    # Not stored on a membership: a superuser acts as the platform admin.
    ADMIN = "admin", _("Platform admin")


class Membership(models.Model):
    """Ties a person to the one organisation they work for, with the role that decides what they may do."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=[c for c in Role.choices if c[0] != Role.ADMIN])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class ApiToken(models.Model):
    """Lets a shop's or warehouse's own system act as one user; only a hash of the secret is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str = "") -> tuple["ApiToken", str]:
        """Create a token; the plain secret is returned once and never stored."""
        secret = "pb_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=secret[:10], key_hash=cls.hash(secret))
        return token, secret
