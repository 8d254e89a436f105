"""Media on an S3-compatible bucket (django-storages) when MEDIA_S3_BUCKET is set; the local disk otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from images.references import ImageRef
from images.markup import picture_html
from site_config.urls import urlpatterns
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "storage": type(storages["default"]).__name__,
    "media_url": settings.MEDIA_URL,
    "html": picture_html(ImageRef("0123456789abcdef", 900, 600, "jpg"), "x"),
    "routes": [str(pattern.pattern) for pattern in urlpatterns],
}))
"""


def _probe(**env) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("MEDIA_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "site_config.settings.dev", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_bucket_is_used_when_configured_and_pages_point_at_it():
    result = _probe(MEDIA_S3_BUCKET="practice-media", MEDIA_S3_CUSTOM_DOMAIN="media.practice.example")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["backend"] == "storages.backends.s3.S3Storage"
    assert data["storage"] == "S3Storage"
    assert data["media_url"] == "https://media.practice.example/"
    assert 'src="https://media.practice.example/images/0123456789abcdef/original.jpg"' in data["html"]
    assert not any(route.startswith("^media/") for route in data["routes"])  # the bucket serves them


def test_a_bucket_needs_its_public_address():
    result = _probe(MEDIA_S3_BUCKET="practice-media")
    assert result.returncode != 0
    assert "MEDIA_S3_CUSTOM_DOMAIN or MEDIA_URL" in result.stderr


def test_the_local_disk_by_default():
    result = _probe()
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["storage"] == "FileSystemStorage"
    assert any("images/" in route for route in data["routes"])
