from django.urls import path

from . import views

app_name = "instruction_imports"

urlpatterns = [
    # Not the bare prefix: reverse_orders (included first at orders/) takes "orders/<number>/" for an order.
    path("imports/", views.imports, name="imports"),
    path("template.xlsx", views.template, name="template"),
    path("<int:import_id>/", views.detail, name="detail"),
    path("<int:import_id>/submit/", views.submit, name="submit"),
    path("<int:import_id>/result.xlsx", views.result_file, name="result_file"),
]
