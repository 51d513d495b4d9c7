from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parcelback.accounts"
    label = "accounts"
    verbose_name = "Accounts"
