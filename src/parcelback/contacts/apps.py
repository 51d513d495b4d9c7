from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "parcelback.contacts"
    label = "contacts"
    verbose_name = "Address book"
