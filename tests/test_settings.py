"""Configuration from the environment, and production refusing unsafe settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from site_config.env import cache_from_url, env_bool, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_redis_url_becomes_djangos_redis_cache():
    config = cache_from_url("redis://127.0.0.1:6379/1?socket_timeout=2", key_prefix="p")
    assert config == {
        "BACKEND": "site_config.cache.DegradingRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "OPTIONS": {"socket_timeout": "2"},
        "KEY_PREFIX": "p",
    }


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache"),
        ("file:///var/tmp/cache", "site_config.cache.FileCache"),
        ("rediss://cache.internal:6380/0", "site_config.cache.DegradingRedisCache"),
    ],
)
def test_other_cache_urls(url, backend):
    assert cache_from_url(url)["BACKEND"] == backend


def test_unknown_cache_scheme_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"CACHE_URL='memcache://x'.*unsupported scheme"):
        cache_from_url("memcache://x")


def test_booleans_and_lists(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    monkeypatch.setenv("HOSTS", " a.org, b.org ,")
    assert env_bool("FLAG") is True
    assert env_list("HOSTS") == ["a.org", "b.org"]
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe' is not a boolean"):
        env_bool("FLAG")


def _check(settings_module: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SITE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_debug_a_secret_key_is_required():
    result = _check("site_config.settings.base")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = _check("site_config.settings.prod", SECRET_KEY="short", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _check("site_config.settings.prod", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_passes_the_deployment_checks(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')  # as collectstatic leaves it
    result = _check(
        "site_config.settings.prod",
        SECRET_KEY="k" * 20 + "Zq8#x" * 10,
        ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    # Only the HSTS preload list warning remains: joining that list is the site owner's decision.
    assert "security.W021" in result.stderr
    assert "security.W0" not in result.stderr.replace("security.W021", "")


@pytest.mark.parametrize("url", ["sqlite:///tmp/site.sqlite3", "postgres://user:pass@db:5432/site"])
def test_every_worker_keeps_its_database_connection(url, monkeypatch):
    from site_config.settings.base import _database

    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    config = _database(url)
    assert config["CONN_MAX_AGE"] == 60 and config["CONN_HEALTH_CHECKS"] is True
