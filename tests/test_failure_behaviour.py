"""Database down or locked: a plain 503 and recovery without a restart; /healthz names what failed;
with Redis down, pages are still served."""

import sqlite3
import subprocess
import sys

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.test_settings import ROOT

pytestmark = pytest.mark.django_db


def _database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 10.0.0.5, port 5432 failed: secret-host-name")


def _database_locked(execute, sql, params, many, context):
    raise OperationalError("database is locked")


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("failure", [_database_down, _database_locked])
def test_pages_answer_a_plain_503_while_the_database_fails_and_recover_after(browser, make_article, failure):
    path = make_article(title="Sleep and mood").get_absolute_url()
    with connection.execute_wrapper(failure):
        for url in ["/", path, "/search/?q=sleep", "/feed/", "/sitemap.xml", "/admin/login/"]:
            response = browser.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
            body = response.content.decode()
            assert "Temporarily unavailable" in body
            for leak in ("Traceback", "OperationalError", "secret-host-name", "locked", "SECRET_KEY", "DATABASE"):
                assert leak not in body
    # The database is back: the same process serves again.
    assert browser.get(path).status_code == 200
    assert browser.get("/").status_code == 200


def test_healthz_is_200_when_everything_works(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "media": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_the_database_when_it_is_down(client):
    with connection.execute_wrapper(_database_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database", "migrations"]
    assert body["checks"]["database"] == "failed: OperationalError"
    assert "secret-host-name" not in response.content.decode()
    assert client.get("/healthz").status_code == 200


def test_healthz_names_unapplied_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("articles", "9999_future")])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert "manage.py migrate" in response.json()["checks"]["migrations"]


def test_healthz_names_media_that_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["media"]


_DOWN = {"BACKEND": "site_config.cache.DegradingRedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
REDIS_DOWN = {"default": _DOWN, "pages": _DOWN}  # with Redis, the page cache lives there too


def test_with_redis_down_pages_are_served_and_healthz_names_the_cache(client, settings, make_article):
    path = make_article(title="Sleep and mood").get_absolute_url()
    settings.CACHES = REDIS_DOWN  # port 9 (discard): nothing answers
    for url in ["/", path, "/search/?q=sleep", "/feed/"]:
        assert client.get(url).status_code == 200, url
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_a_real_unreachable_database_gives_503_pages_and_a_failing_healthz():
    """A process whose PostgreSQL does not answer at all (nothing listens on port 9)."""
    script = (
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "page = c.get('/'); health = c.get('/healthz');"
        "print(page.status_code, health.status_code, health.json()['failed'], 'Traceback' in page.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "503 503 ['database', 'migrations'] False"


def test_a_really_locked_sqlite_database_gives_503_then_the_same_process_recovers(tmp_path):
    database = tmp_path / "site.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "SQLITE_BUSY_TIMEOUT": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO django_site (domain, name) VALUES ('locker', 'locker')")  # takes the lock
    script = (
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "print(c.get('/').status_code, c.get('/healthz').status_code, flush=True); input();"
        "print(c.get('/').status_code, c.get('/healthz').status_code, flush=True)"
    )
    site = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert site.stdout.readline().split() == ["503", "503"]
        holder.execute("ROLLBACK")
        holder.close()  # the lock is released; the site process is not restarted
        site.stdin.write("\n")
        site.stdin.flush()
        assert site.stdout.readline().split() == ["200", "200"]
    finally:
        site.kill()
        site.wait()
