"""With DEBUG off, a missing collectstatic manifest is caught by `manage.py check`, not by every page's 500."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from tests.test_settings import _check

MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def check() -> str:
    out = StringIO()
    call_command("check", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_missing_manifest_is_an_error_that_names_the_fix(tmp_path):
    with (
        override_settings(DEBUG=False, STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path),
        pytest.raises(SystemCheckError) as caught,
    ):
        check()

    message = str(caught.value)
    assert "articles.E001" in message
    assert str(tmp_path / "staticfiles.json") in message
    assert "manage.py collectstatic --noinput" in message


def test_a_manifest_written_by_collectstatic_passes(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')

    with override_settings(DEBUG=False, STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path):
        assert "no issues" in check()


def test_an_unreadable_manifest_is_an_error_that_names_the_fix(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {"half-writ')

    with (
        override_settings(DEBUG=False, STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path),
        pytest.raises(SystemCheckError, match=r"articles\.E002(.|\n)*collectstatic --noinput"),
    ):
        check()


def test_with_debug_on_no_manifest_is_needed(tmp_path):
    with override_settings(DEBUG=True, STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path):
        assert "no issues" in check()


def test_storage_without_a_manifest_needs_none(tmp_path):
    # As the test settings have it: static files served from the app folders.
    with override_settings(DEBUG=False, STORAGES=PLAIN_STORAGES, STATIC_ROOT=tmp_path):
        assert "no issues" in check()


def test_collectstatic_runs_despite_the_missing_manifest_and_clears_the_error(tmp_path):
    with override_settings(DEBUG=False, STORAGES=MANIFEST_STORAGES, STATIC_ROOT=tmp_path):
        call_command("collectstatic", "--noinput", skip_checks=False, verbosity=0)
        assert "no issues" in check()
    assert (tmp_path / "staticfiles.json").exists()


def test_production_settings_without_collectstatic_fail_the_check(tmp_path):
    result = _check(
        "site_config.settings.prod",
        SECRET_KEY="k" * 20 + "Zq8#x" * 10,
        ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode != 0
    assert "articles.E001" in result.stderr and "collectstatic --noinput" in result.stderr


@pytest.mark.parametrize("server", ["site_config.wsgi", "site_config.asgi"])
def test_an_app_server_refuses_to_start_without_collectstatic(tmp_path, server):
    # gunicorn and uvicorn run no system checks: importing the application must fail, clearly.
    import os
    import subprocess
    import sys

    from tests.test_settings import ROOT

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env |= {"SECRET_KEY": "k" * 20 + "Zq8#x" * 10, "ALLOWED_HOSTS": "example.org", "SITE_URL": "https://example.org",
            "STATIC_ROOT": str(tmp_path)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", f"import {server}"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "collectstatic --noinput" in result.stderr
