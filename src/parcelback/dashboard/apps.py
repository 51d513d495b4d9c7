from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "parcelback.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
