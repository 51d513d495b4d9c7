"""A shop's address book: the pickers and recipients it instructs again and again, offered in the registration
dialogs. A registration keeps its own copy of the details, so editing the book never changes a past instruction."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcelback.accounts.models import Organisation

# A shop's book holds at most this many contacts of each kind.
MAX_PER_KIND = 500


class Contact(models.Model):
    class Kind(models.TextChoices):
        PICKER = "picker", _("提货人")
        RECIPIENT = "recipient", _("收货人")

    shop = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(_("姓名"), max_length=80)
    phone = models.CharField(_("联系方式"), max_length=32)
    # The number in one form (E.164), for finding the same person written another way and likely typos.
    phone_key = models.CharField(max_length=32, db_index=True)
    # A recipient's address; empty for a picker.
    country = models.CharField(_("国家/地区"), max_length=60, blank=True)
    province = models.CharField(_("省/州"), max_length=60, blank=True)
    city = models.CharField(_("城市"), max_length=60, blank=True)
    district = models.CharField(_("区/县"), max_length=60, blank=True)
    street = models.CharField(_("详细地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # The last used come first in the dialogs.
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_used_at", "-id"]
        indexes = [models.Index(fields=["shop", "kind", "-last_used_at", "-id"], name="contact_book")]

    def __str__(self) -> str:
        return f"{self.name} {self.phone}"

    ADDRESS = ("country", "province", "city", "district", "street", "postcode")

    @property
    def address(self) -> str:
        return " ".join(part for part in (getattr(self, f) for f in self.ADDRESS) if part)
