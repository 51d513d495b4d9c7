"""Saved views of the order list: the filters and sort someone uses every day, kept under a name and shown as an
extra tab after the seed's, for oneself or (shared) for the whole organisation."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parcelback.accounts.models import Organisation

SAVED_VIEW_NAME_LENGTH = 30
# A list query string with pasted numbers fits well inside (as a list page's `back` does).
SAVED_VIEW_QUERY_LENGTH = 4000
# A person keeps at most this many views, and an organisation shares at most this many: the tab row stays short
# and its counts stay a bounded number of queries.
MAX_VIEWS_PER_PERSON = 20
MAX_SHARED_VIEWS = 20


class SavedView(models.Model):
    """A named list query (filters, tab, sort, page size) of one organisation's list, personal or shared."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="saved_views")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=SAVED_VIEW_NAME_LENGTH)
    # Normalised through the list's filterset: only known keys with valid values, never the page or a selection.
    query = models.TextField(blank=True)
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner"),
            models.UniqueConstraint(
                fields=["organisation", "name"], condition=Q(shared=True), name="saved_view_shared_name"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "shared"], name="saved_view_org")]

    def __str__(self) -> str:
        return self.name
