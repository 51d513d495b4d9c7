"""The digest benchmark runs end to end: people and notifications made, digests put together and sent over SMTP."""
import io

import pytest

from parcelback.bench import digest
from parcelback.notifications.models import Digest, Notification

pytestmark = pytest.mark.django_db


def test_the_digest_benchmark_sends_one_digest_per_person_and_cleans_up():
    out = io.StringIO()
    digest.run(people=20, orders=5, out=out)
    report = out.getvalue()
    assert "20 people × 5 orders = 100 notifications" in report
    assert "put together 20 digests" in report and "sent 20 digests over SMTP" in report
    assert not Notification.objects.exists() and not Digest.objects.exists()  # its own data removed
