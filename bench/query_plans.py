#!/usr/bin/env python
"""Every query a page runs, with its time and its plan, on the database the environment names.

Each page is requested in this process through Django's test client (page cache off, so the view does its
work), its queries captured, then each one run again under EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE
(PostgreSQL). Run it with a site's environment (bench/serve_bench.py --large does, writing plans-<db>.txt):

    DJANGO_SETTINGS_MODULE=site_config.settings.prod DATABASE_URL=... .venv/bin/python bench/query_plans.py \
        / /?page=500 "/search/?q=calm" [--staff USERNAME] [--staff-paths /admin/articles/article/]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def explain(connection, sql: str, params) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # (id, parent, notused, detail): indent by depth
        depth = {0: -1}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return "\n".join(lines)
    return "\n".join(row[0] for row in rows)


def page_queries(client, path: str) -> tuple[int, float, list[dict]]:
    """(status, milliseconds, queries with their own time) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, elapsed, list(captured.captured_queries)


def report(paths: list[str], staff_paths: list[str], staff: str, out) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client

    anonymous, signed_in = Client(), Client()
    if staff_paths:
        signed_in.force_login(get_user_model().objects.get(username=staff))
    out.write(f"database: {connection.vendor}\n")
    for client, path in [(anonymous, p) for p in paths] + [(signed_in, p) for p in staff_paths]:
        client.get(path)  # warm: templates compiled, settings cached
        status, elapsed, queries = page_queries(client, path)
        out.write(f"\n=== {path}: {status}, {elapsed:.1f} ms, {len(queries)} queries\n")
        for query in queries:
            sql, params = _raw(connection, query)
            out.write(f"\n--- {query['time']} s: {query['sql'][:600]}\n")
            if sql is not None and sql.lstrip().upper().startswith(("SELECT", "WITH", "(")):  # unions start with "("
                out.write(explain(connection, sql, params) + "\n")
        reset_queries()


def _raw(connection, query: dict):
    """The SQL with placeholders and its parameters, as Django sent them (kept by our cursor wrapper)."""
    return query.get("raw_sql"), query.get("raw_params")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=["/"])
    parser.add_argument("--staff", default="bench", help="the user the --staff-paths are requested as")
    parser.add_argument("--staff-paths", nargs="*", default=[])
    parser.add_argument("--output", default="", help="write here instead of standard output")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.prod")
    os.environ["PAGE_CACHE"] = "0"
    import django

    django.setup()
    _keep_raw_queries()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    out = open(args.output, "w") if args.output else sys.stdout  # noqa: SIM115
    try:
        report(args.paths, args.staff_paths, args.staff, out)
    finally:
        if args.output:
            out.close()


def _keep_raw_queries() -> None:
    """Captured queries keep the SQL with placeholders and the parameters too, so they can be EXPLAINed as run."""
    from django.db.backends import utils

    original = utils.CursorDebugWrapper.debug_sql

    from contextlib import contextmanager

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        with original(self, sql, params, use_last_executed_query, many):
            yield
        if self.db.queries_log:
            self.db.queries_log[-1].update(raw_sql=sql, raw_params=params)

    utils.CursorDebugWrapper.debug_sql = debug_sql


if __name__ == "__main__":
    main()
