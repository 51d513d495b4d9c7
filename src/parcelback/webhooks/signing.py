"""Standard Webhooks signatures (https://www.standardwebhooks.com): receivers verify with any of its libraries.

The signed content is "<webhook-id>.<webhook-timestamp>.<body>", HMAC-SHA256 with the secret's key bytes,
sent as `webhook-signature: v1,<base64>`; while a secret is being rotated, once per secret, space-separated
(`v1,<new> v1,<old>`), so a receiver verifying with either one accepts the webhook.
"""
import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def headers(secrets: str | list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    secrets = [secrets] if isinstance(secrets, str) else secrets
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, message_id, timestamp, body) for secret in secrets),
        "content-type": "application/json",
        "user-agent": "Parcelback-Webhooks/1",
    }
