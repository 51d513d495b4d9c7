"""The benchmark as a Django app, so `parcelback bench` is found; it has no models of its own."""
from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "parcelback.bench"
    label = "bench"
    verbose_name = "Benchmark"
