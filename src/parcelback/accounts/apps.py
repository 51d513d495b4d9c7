from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "parcelback.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth import get_user_model

        from .models import ApiToken, Membership, Organisation
        from .tokens import forget_on_change

        for model in (get_user_model(), Membership, Organisation, ApiToken):
            for signal in (post_save, post_delete):
                signal.connect(forget_on_change, sender=model, dispatch_uid=f"tokens-forget-{model._meta.label}")
