from django.contrib import admin

from parcelback.reverse_orders.admin import ReadOnlyAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "order_number", "created_at", "dispatched_at")
    list_filter = ("event_type",)
