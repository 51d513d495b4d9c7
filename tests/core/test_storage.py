"""Evidence lives behind Django's storage API: the same code stores and serves it from an S3-compatible store."""
import os
import subprocess
import sys
from datetime import timedelta

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws

from parcelback.reverse_orders import services
from parcelback.reverse_orders.management.commands.demo import tiny_png
from parcelback.reverse_orders.models import EvidenceFile, ReverseType, Status

from ..factories import ReverseOrderFactory

BUCKET = "parcelback-evidence"


@pytest.fixture
def s3(settings, monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = settings.STORAGES | {
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": BUCKET, "default_acl": "private"}}
        }
        yield client


def test_destruction_evidence_is_stored_in_and_served_from_s3(world, s3, client):
    order = ReverseOrderFactory(
        shop=world.shop1, warehouse=world.wh_a1, reverse_type=ReverseType.CUSTOMS_DESTROY, status=Status.AWAITING_DESTRUCTION
    )
    photo = SimpleUploadedFile("photo.png", tiny_png(), content_type="image/png")
    services.destroy(actor=world.provider1, number=order.number, destroyed_at=timezone.now() - timedelta(hours=1),
                     method="焚烧", evidence=[photo])
    evidence = EvidenceFile.objects.get()
    stored = s3.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read()
    assert stored == tiny_png()
    client.force_login(get_user_model().objects.get(pk=world.merchant1.user_id))
    response = client.get(reverse("orders:evidence", args=[order.number, evidence.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == tiny_png()


def test_the_bucket_setting_switches_storage_to_s3(tmp_path):
    env = os.environ | {"PARCELBACK_S3_BUCKET": "evidence", "PARCELBACK_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
                        "PARCELBACK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "parcelback.settings"}
    code = "from django.conf import settings; d = settings.STORAGES['default']; print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["storages.backends.s3.S3Storage", "evidence", "http://127.0.0.1:9000"]
