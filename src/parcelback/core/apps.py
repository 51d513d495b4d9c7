from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parcelback.core"
    label = "core"
