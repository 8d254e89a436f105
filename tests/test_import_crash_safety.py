"""An import killed with SIGKILL part-way leaves whole articles and a consistent database; running it
again finishes the job."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from import_bench import generate  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = 2000


def _database_url(tmp_path) -> str:
    if connection.vendor == "sqlite":
        # The test database lives in memory: the killed process needs one on disk of its own.
        return f"sqlite:///{tmp_path / 'killed.sqlite3'}"
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{params['NAME']}"


def _manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, text=True, **kwargs)


CHECK = """
from django.db import connection
from articles.markdown import render_markdown
from articles.models import Article, SearchEntry
articles = list(Article.objects.all())
broken = [a.pk for a in articles if not a.title or a.body_html != render_markdown(a.body) or not a.import_hash]
unindexed = Article.objects.exclude(pk__in=SearchEntry.objects.values("pk")).count()
with connection.cursor() as cursor:
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA integrity_check"); integrity = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_key_check"); dangling = len(cursor.fetchall())
    else:
        integrity, dangling = "ok", 0  # PostgreSQL enforces its constraints on every commit
print(len(articles), len(broken), unindexed, integrity, dangling)
"""


def _state(env) -> tuple[int, int, int, str, int]:
    out = _manage(env, "shell", "-c", CHECK, capture_output=True, check=True).stdout.split()[-5:]
    return int(out[0]), int(out[1]), int(out[2]), out[3], int(out[4])


def _count(tmp_path) -> int:
    if connection.vendor == "sqlite":
        with closing(sqlite3.connect(tmp_path / "killed.sqlite3")) as db:
            return db.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    return Article.objects.count()  # the same database, committed rows


def test_an_import_killed_part_way_leaves_whole_articles_and_finishes_when_run_again(tmp_path):
    source = tmp_path / "pages"
    source.mkdir()
    generate(source, PAGES)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_config.settings.test",
        "DATABASE_URL": _database_url(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    if connection.vendor == "sqlite":
        _manage(env, "migrate", "-v0", check=True)

    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(source)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once some articles are committed and before all are.
    deadline = time.monotonic() + 120
    while _count(tmp_path) == 0 and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait()
    assert importer.returncode == -signal.SIGKILL

    total, broken, unindexed, integrity, dangling = _state(env)
    assert 0 < total < PAGES, "the import was not caught part-way"
    assert (broken, unindexed, integrity, dangling) == (0, 0, "ok", 0)

    again = _manage(env, "import_articles", str(source), capture_output=True)
    assert again.returncode == 0, again.stderr
    assert f"{PAGES - total} created" in again.stdout
    assert _state(env) == (PAGES, 0, 0, "ok", 0)
