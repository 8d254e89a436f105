"""What the site answers when a dependency fails: a plain 503 page, and /healthz for monitors.

The 503 comes from handler500, which Django calls for any uncaught exception, whether a view or
a middleware raised it (sessions, redirects and lockout all query the database). Django opens a
fresh connection for each request (CONN_HEALTH_CHECKS on PostgreSQL), so once the database is
back the next request succeeds: nothing to restart.
"""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request, server_error

logger = logging.getLogger(__name__)


def server_error_or_unavailable(request, *args, **kwargs):
    """handler500: 503 with Retry-After when the database failed (down, locked), else the plain 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError):
        logger.error("Database unavailable: %s", error.__class__.__name__)
        # The template is rendered without a request or context processors: they may need the database.
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    return server_error(request, *args, **kwargs)


def bad_request_or_too_large(request, exception, *args, **kwargs):
    """handler400: a request over DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many fields) gets a 413
    that says so and what to do; other bad requests the plain 400."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        body = loader.get_template("413.html").render({"limit_mb": f"{limit_mb:.0f}"})
        return HttpResponse(body, status=413)
    return bad_request(request, exception, *args, **kwargs)


def _check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_migrations() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migration(s) not applied: run manage.py migrate")


def _check_cache() -> None:
    key, value = f"healthz-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("a value written to the cache could not be read back")
    cache.delete(key)


def _check_media() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS = {
    "database": _check_database,
    "migrations": _check_migrations,
    "cache": _check_cache,
    "media": _check_media,
}


@never_cache
def healthz(request):
    """Each dependency's state; 200 only when every one works, else 503 naming the failed ones."""
    results = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "not checked: database unavailable"
            continue
        try:
            check()
        except Exception as error:  # any failure is this dependency's failure
            # The class name only: a message may carry a host name or a path.
            results[name] = f"failed: {error.__class__.__name__}"
            if isinstance(error, RuntimeError):
                results[name] = f"failed: {error}"
        else:
            results[name] = "ok"
    failed = [name for name, state in results.items() if state != "ok"]
    status = 503 if failed else 200
    return JsonResponse({"status": "fail" if failed else "ok", "failed": failed, "checks": results}, status=status)
