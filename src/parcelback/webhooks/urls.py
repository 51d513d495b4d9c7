from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("created/", views.created, name="created"),
    path("<int:endpoint_id>/delete/", views.delete, name="delete"),
    path("<int:endpoint_id>/rotate-secret/", views.rotate_secret, name="rotate_secret"),
    path("<int:endpoint_id>/deliveries/", views.deliveries, name="deliveries"),
    path("<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
]
