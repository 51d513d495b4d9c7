"""Sealed secrets open only for their purpose, survive a SECRET_KEY rotation, and hold no plain text."""
import pytest

from parcelback.core.sealing import seal, unseal


def test_sealed_text_opens_for_its_purpose_and_shows_nothing_plain():
    sealed = seal("whsec_abc123", purpose="webhook-secret")
    assert "whsec_abc123" not in sealed
    assert unseal(sealed, purpose="webhook-secret") == b"whsec_abc123"


def test_sealed_text_does_not_open_for_another_purpose():
    with pytest.raises(ValueError):
        unseal(seal("123456", purpose="pickup-code"), purpose="webhook-secret")


def test_old_secret_key_still_opens_after_rotation(settings):
    sealed = seal("x", purpose="p")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "z" * 40, [old]
    assert unseal(sealed, purpose="p") == b"x"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ValueError):
        unseal(sealed, purpose="p")


def test_garbage_does_not_open():
    with pytest.raises(ValueError):
        unseal("not-a-token", purpose="p")
