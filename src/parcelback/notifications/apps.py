from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "parcelback.notifications"
    label = "notifications"
    verbose_name = "Notifications"
