"""The platform admin's view. Status, instructions and history are read-only here: nobody bypasses the
state machine, not even the admin (cancel goes through the service like everyone else's)."""
from django.contrib import admin, messages

from parcelback.accounts.actors import actor_for
from parcelback.core.errors import Refused

from . import services
from .models import (
    CargoOwner,
    DeadlinePolicy,
    DestructionConfirmation,
    Event,
    EvidenceFile,
    ExceptionComment,
    Execution,
    NumberSequence,
    OrderException,
    OrderLine,
    PickupCode,
    PickupRegistration,
    ReverseOrder,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(LineInline):
    model = Event
    fields = ("at", "kind", "actor_label", "data")


@admin.register(ReverseOrder)
class ReverseOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "shop", "warehouse", "reverse_type", "status", "exception_state", "instruction_deadline")
    list_filter = ("reverse_type", "status", "exception_state", "shop", "warehouse")
    search_fields = ("number", "sales_return_no", "order_no", "external_ref")
    list_select_related = ("shop", "warehouse")
    readonly_fields = (
        "number", "external_ref", "shop", "provider", "warehouse", "owner", "reverse_type", "business_mode",
        "status", "exception_state", "pickup_method", "arrived_at", "instruction_deadline", "created_at", "updated_at",
    )
    fields = readonly_fields + ("sales_return_no", "order_no", "inbound_tracking_number", "reason")
    inlines = [LineInline, EventInline]
    actions = ["cancel_orders"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Cancel selected orders (only those awaiting instruction)")
    def cancel_orders(self, request, queryset):
        actor = actor_for(request.user)
        for number in queryset.values_list("number", flat=True):
            try:
                services.cancel(actor=actor, number=number, reason="Cancelled by platform admin")
            except Refused as refusal:
                self.message_user(request, f"{number}: {refusal.message}", messages.WARNING)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("reverse_type", "days")


@admin.register(CargoOwner)
class CargoOwnerAdmin(admin.ModelAdmin):
    list_display = ("external_id", "name", "shop")
    list_filter = ("shop",)
    search_fields = ("external_id", "name")


for model in (PickupCode, PickupRegistration, DestructionConfirmation, Execution, EvidenceFile, OrderException, ExceptionComment, Event):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ("key", "value")
