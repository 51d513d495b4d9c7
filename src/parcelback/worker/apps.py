"""The worker as a Django app, so `parcelback worker` is found; it has no models of its own."""
from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "parcelback.worker"
    label = "worker"
    verbose_name = "Worker"
