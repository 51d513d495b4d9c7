"""`parcelback check --deploy` warns while webhooks may reach private addresses: a setting for a local demo, never
for production, where it would let any shop's endpoint make the worker call the internal network."""
from django.conf import settings
from django.core import checks

ALLOW_PRIVATE_ON = "webhooks.W001"


@checks.register(checks.Tags.security, deploy=True)
def private_webhook_targets(app_configs, **kwargs):
    if not settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE:
        return []
    return [
        checks.Warning(
            "PARCELBACK_WEBHOOK_ALLOW_PRIVATE is on: webhook endpoints may reach private, loopback and link-local"
            " addresses (the internal network, cloud metadata).",
            hint="Unset PARCELBACK_WEBHOOK_ALLOW_PRIVATE (or set it to 0) in production.",
            id=ALLOW_PRIVATE_ON,
        )
    ]
