from django.urls import path  # noqa: F401

app_name = "instruction_imports"

urlpatterns: list = []
