from django.contrib import admin

from parcelback.reverse_orders.admin import ReadOnlyAdmin

from .models import InstructionImport


@admin.register(InstructionImport)
class InstructionImportAdmin(ReadOnlyAdmin):
    """The record of what was imported: read only, like the timeline."""

    list_display = ("file_name", "organisation", "user", "status", "created_at", "submitted_at")
    list_filter = ("status",)
