import pytest


@pytest.fixture(autouse=True)
def counted_every_time(settings):
    """The figures tests change orders between views: every view counts afresh (test_snapshots.py sets its own)."""
    settings.PARCELBACK_DASHBOARD_FRESH_SECONDS = 0
