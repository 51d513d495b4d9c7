from django.contrib import admin

from .models import Digest, Notification, NotificationSettings


class MailStateAdmin(admin.ModelAdmin):
    """Read-only: what was sent to whom and how it went (sent, waiting, retrying, failed, in doubt)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="email")
    def mail_state(self, obj):
        return obj.mail_state


@admin.register(Notification)
class NotificationAdmin(MailStateAdmin):
    list_display = ("id", "recipient", "kind", "order_number", "created_at", "read_at", "email", "mail_state", "mail_error")
    list_filter = ("kind", "email")
    search_fields = ("order_number", "recipient__username")
    raw_id_fields = ("recipient",)


@admin.register(Digest)
class DigestAdmin(MailStateAdmin):
    list_display = ("id", "recipient", "day", "counts", "mail_state", "mailed_at", "mail_error")
    list_filter = ("day",)
    search_fields = ("recipient__username",)
    raw_id_fields = ("recipient",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "email")
    raw_id_fields = ("user",)
