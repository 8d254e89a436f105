"""gunicorn settings for the benchmark's servers: ours (gunicorn.conf.py), plus, in each worker, how many
requests it answered, how many pages the page cache answered and missed (X-Page-Cache) and how many
database queries it ran, written to BENCH_COUNTS_DIR/<pid>.json when the worker exits (bench/servers.py sums them)."""

import json
import os
from pathlib import Path

_ours = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_ours.read_text(), str(_ours), "exec"))  # our own settings file, then the counting hooks

_counts = {"requests": 0, "hits": 0, "misses": 0, "queries": 0}


def _count_query(execute, sql, params, many, context):
    _counts["queries"] += 1
    return execute(sql, params, many, context)


def post_fork(server, worker):
    from django.db.backends.signals import connection_created

    def install(sender, connection, **kwargs):
        # Sent for every new connection of the same wrapper (SQLite reconnects each request): install once.
        if _count_query not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_query)

    connection_created.connect(install, weak=False)


def post_request(worker, req, environ, resp):
    _counts["requests"] += 1
    cache = next((value for name, value in resp.headers if name.lower() == "x-page-cache"), None)
    if cache in {"hit", "miss"}:  # a page the cache may keep (not a static file)
        _counts["hits" if cache == "hit" else "misses"] += 1


def worker_exit(server, worker):
    Path(os.environ["BENCH_COUNTS_DIR"], f"{os.getpid()}.json").write_text(json.dumps(_counts))
