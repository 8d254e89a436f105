"""Settings for the test suite: same database and cache choice as the environment gives."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .base import *  # noqa: F403
from .base import CACHES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = ""  # addresses from the request ("http://testserver"); tests that need SITE_URL set it
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Keep test runs from reading each other's keys in a shared Redis.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
if not os.environ.get("REDIS_URL"):  # files, as on the embedded default, in a folder of this run's own
    _pages = tempfile.mkdtemp(prefix="test-page-cache-")
    atexit.register(shutil.rmtree, _pages, ignore_errors=True)
    CACHES["pages"] = {"BACKEND": "site_config.cache.FileCache", "LOCATION": _pages}
CACHES["pages"]["KEY_PREFIX"] = f"test-pages-{os.getpid()}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the app folders, as in development: tests do not run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
