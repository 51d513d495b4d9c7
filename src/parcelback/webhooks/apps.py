from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "parcelback.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
