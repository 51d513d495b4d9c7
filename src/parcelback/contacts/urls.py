from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("", views.book, name="book"),
    path("<int:contact_id>/delete/", views.delete, name="delete"),
]
