"""Settings shared by every environment; everything that differs comes from the environment.

See README.md for the variables. dev.py, test.py and prod.py adjust this module.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from site_config.env import cache_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is not set. Set it, or set DEBUG=1 for local development only.")
    SECRET_KEY = "django-insecure-dev-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_NAME = env_str("SITE_NAME") or "Articles"  # set but empty is the default too
SITE_DESCRIPTION = env_str("SITE_DESCRIPTION", "")
# The site's public address, e.g. https://example.org: every absolute URL the site writes (canonical
# links, og:url, JSON-LD) starts with it, whatever Host header a request came with. Empty: taken
# from each request, for local use only (prod.py requires it).
SITE_URL = env_str("SITE_URL")
if SITE_URL:
    _site_url = urlsplit(SITE_URL.rstrip("/"))
    _origin = f"{_site_url.scheme}://{_site_url.netloc}"
    _valid = _site_url.scheme in {"http", "https"} and _site_url.hostname and "@" not in _site_url.netloc
    if not _valid or SITE_URL.rstrip("/") != _origin:
        raise ImproperlyConfigured(
            f"SITE_URL={SITE_URL!r} must be the site's address alone, scheme and host: https://example.org"
        )
    SITE_URL = f"{_site_url.scheme}://{_site_url.netloc.lower()}"
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.redirects",
    # SearchVectorField and full-text search on PostgreSQL (articles/search.py); harmless on SQLite.
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "markdownx",
    # Login lockout per account and per address (site_config/login_protection.py explains the settings).
    "axes",
    "articles",
    "images",
    "site_settings",
]

MIDDLEWARE = [
    # Stored public pages for anonymous readers, before any other work (articles/page_cache.py). A stored
    # page keeps every header the middleware below gave it; an http:// request has its own key, and is
    # never stored while SECURE_SSL_REDIRECT sends it to https.
    "articles.page_cache.PageCacheMiddleware",
    # ETag for pages the page cache does not answer (it is off, or a page it may not keep); 304 when unchanged.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # zstd, Brotli or gzip, as the client accepts; stored compressed by the page cache, one copy per encoding.
    "compression_middleware.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware, so the admin's own policy is chosen before the header is written.
    "site_config.security.SecurityHeadersMiddleware",
    # Old addresses (contrib.redirects); a redirect to an article waits until it is public.
    "articles.redirects.PublicRedirectMiddleware",
    # Last, as django-axes requires: refuses a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"
ASGI_APPLICATION = "site_config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work during a write; IMMEDIATE takes the write lock at
        # BEGIN so concurrent writers queue on the busy timeout instead of failing
        # with "database is locked" halfway through a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    # Each worker keeps its connection: opening one (and SQLite's PRAGMAs) cost more than a page's queries.
    config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env_str("CACHE_URL") or env_str("REDIS_URL") or "locmem://"
CACHES = {"default": cache_from_url(_cache_url, key_prefix=env_str("CACHE_KEY_PREFIX", "site"))}
# The full-page cache (articles/page_cache.py) must be shared by every worker and app server: Redis when
# there is one, else files beside the database (PAGE_CACHE_DIR). PAGE_CACHE=0 turns it off.
_page_cache_url = env_str("PAGE_CACHE_URL") or (_cache_url if _cache_url.startswith("redis") else "")
_page_cache_url = _page_cache_url or f"file://{env_str('PAGE_CACHE_DIR', str(BASE_DIR / 'var' / 'page-cache'))}"
CACHES["pages"] = cache_from_url(_page_cache_url, key_prefix=env_str("CACHE_KEY_PREFIX", "site") + "-pages")
if _page_cache_url.startswith("file:"):
    CACHES["pages"]["OPTIONS"] = {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 20_000)}
elif _page_cache_url.startswith("redis"):
    _pickled = {"serializer": "site_config.cache.PickleSerializer"}  # no int() tried on every page read
    CACHES["pages"]["OPTIONS"] = CACHES["pages"].get("OPTIONS", {}) | _pickled
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)  # how long a stored page may wait for a reader
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)  # what browsers and proxies are told (Cache-Control)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 300)  # stale-while-revalidate

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

from site_config.login_protection import *  # noqa: E402, F403
from site_config.security import PUBLIC_CSP  # noqa: E402

# The admin's address, "admin/" unless ADMIN_URL says otherwise (e.g. ADMIN_URL=office-7f3a/).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
# A static policy with no nonce on public pages (full-page caches may keep it); the admin's own
# policy is chosen by site_config.security.SecurityHeadersMiddleware.
SECURE_CSP = PUBLIC_CSP
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en-us")
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on an S3-compatible bucket (django-storages), shared by every app server, when MEDIA_S3_BUCKET is set.
# Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a role...).
if env_str("MEDIA_S3_BUCKET"):
    _s3_domain = env_str("MEDIA_S3_CUSTOM_DOMAIN")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_S3_BUCKET"),
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "custom_domain": _s3_domain or None,
            "querystring_auth": False,  # public pictures at stable addresses, cached for good
            "file_overwrite": False,
            "default_acl": None,  # the bucket's policy decides who reads
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # An absolute MEDIA_URL: Django's own media routes are then left out (articles/uploads.py, images/media.py).
    MEDIA_URL = f"https://{_s3_domain}/" if _s3_domain else env_str("MEDIA_URL")
    if not urlsplit(MEDIA_URL).netloc:
        raise ImproperlyConfigured(
            "With MEDIA_S3_BUCKET, set MEDIA_S3_CUSTOM_DOMAIN or MEDIA_URL to the bucket's address."
        )

# django-markdownx: the admin preview uses the same renderer as the public page.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render_markdown"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
MARKDOWNX_MEDIA_PATH = "uploads/"
# Editor uploads go through articles/uploads.py, not markdownx's form: decoded and re-encoded by
# Pillow as JPEG, PNG, GIF or WebP (never SVG), refused above this many bytes or this many pixels
# (an animation counts all its frames), checked before anything is decoded.
MARKDOWNX_UPLOAD_MAX_SIZE = env_int("UPLOAD_MAX_SIZE", 5 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)

# Library images (images/): rendition widths in px, never wider than the original; the social image
# used when an article has no image of its own (a static file path, e.g. "img/social.png"), or none.
IMAGE_RENDITION_WIDTHS = (480, 800, 1200, 1600)
DEFAULT_SOCIAL_IMAGE = env_str("DEFAULT_SOCIAL_IMAGE", "")

# Largest single file import_articles reads (WordPress exports are streamed and exempt).
IMPORT_MAX_FILE_SIZE = env_int("IMPORT_MAX_FILE_SIZE", 10 * 1024 * 1024)
# Largest article body, in UTF-8 bytes, however it arrives (admin, preview, import).
ARTICLE_BODY_MAX_BYTES = env_int("ARTICLE_BODY_MAX_BYTES", 2 * 1024 * 1024)
# A form posting the largest body must get through: the admin posts it URL-encoded
# (up to 3 bytes a byte) beside the other fields, so the request limit follows the body limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * ARTICLE_BODY_MAX_BYTES + 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
