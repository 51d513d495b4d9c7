"""Secrets that must be kept but never readable at rest (a webhook's signing secret, a one-time answer kept for a
replay): sealed with authenticated encryption under a key derived from SECRET_KEY for one purpose, so a copy of
the database alone reveals nothing, and a value sealed for one purpose cannot be opened for another."""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = hashlib.sha256(f"parcelback.sealing|{purpose}|{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(purpose: str) -> MultiFernet:
    """The current SECRET_KEY seals; it and every SECRET_KEY_FALLBACKS entry open (key rotation)."""
    return MultiFernet([_fernet(key, purpose) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])


def seal(plain: str | bytes, *, purpose: str) -> str:
    """An opaque text that only `unseal(..., purpose=purpose)` under this installation's keys turns back."""
    data = plain.encode() if isinstance(plain, str) else plain
    return _keys(purpose).encrypt(data).decode()


def unseal(sealed: str, *, purpose: str) -> bytes:
    """The sealed bytes; `ValueError` when the value was not sealed for this purpose under a known key."""
    try:
        return _keys(purpose).decrypt(sealed.encode())
    except (InvalidToken, TypeError) as error:
        raise ValueError("cannot unseal") from error
