from django.contrib import admin, messages
from django.utils import timezone

from parcelback.reverse_orders.admin import ReadOnlyAdmin

from .delivery import RETRY_FOR
from .models import DeliveryAttempt, OutboxMessage, WebhookDelivery, WebhookEndpoint


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "order_number", "created_at", "dispatched_at")
    list_filter = ("event_type",)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are registered by the organisations themselves (API); the admin may pause or look at them."""

    list_display = ("url", "organisation", "is_active", "created_at")
    list_filter = ("is_active", "organisation")
    fields = ("organisation", "url", "event_types", "description", "is_active", "created_at")
    readonly_fields = ("organisation", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "status_code", "error", "duration_ms")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: every message owed to an endpoint, its attempts and response codes."""

    list_display = ("message", "endpoint", "state", "attempts", "last_status_code", "next_attempt_at", "delivered_at")
    list_filter = ("state", "endpoint__organisation")
    search_fields = ("message__order_number",)
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.action(description="Redeliver now (new 24-hour retry window)")
    def redeliver(self, request, queryset):
        now = timezone.now()
        count = queryset.update(
            state=WebhookDelivery.State.PENDING, next_attempt_at=now, retry_until=now + RETRY_FOR, leased_until=None
        )
        self.message_user(request, f"{count} deliveries will be sent again.", messages.SUCCESS)
