"""A full-page cache for anonymous readers, in front of every public page, with exact invalidation.

A page is stored with the versions of what it shows (its tags): `site` (site settings), `lists` (which
articles are public, in what order, with what titles, terms and images: every list, feed, sitemap and
search, and each article page's previous/next/related links) and `article:<slug>` (one article's page).
Serving compares the stored versions with the current ones in the same cache round trip, so a change
that forgets a tag (articles/page_invalidation.py) makes the affected pages fresh on the next request
and leaves the others cached. The `lists` version also ends by itself at the next scheduled publication,
so a scheduled article appears at its time although nothing was saved.

Only anonymous GET/HEAD requests without a session or messages cookie are served or stored; only a
200 without cookies and without private/no-store is stored: no session, CSRF token, message or
preview can reach the cache. The versions live in the "pages" cache (Redis when REDIS_URL is set, a
file cache otherwise), so every worker and every app server sees the same versions.
"""

import functools
import hashlib
import secrets
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from compression_middleware.middleware import compressor
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import MiddlewareNotUsed
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

CACHE_ALIAS = "pages"
SITE, LISTS = "site", "lists"
# Public pages, by URL name; everything else (admin, previews, media, editor endpoints) passes through.
CACHED_VIEWS = {
    "articles:list",
    "articles:detail",
    "articles:search",
    "articles:topics",
    "articles:topic",
    "articles:tag",
    "articles:feed",
    "articles:feed-atom",
    "articles:topic-feed",
    "articles:tag-feed",
    "robots",
    "sitemap",
    "sitemap-section",
}
_PERSONAL = {"private", "no-store", "no-cache"}
_NOT_REPLAYED = {"content-length", "set-cookie", "cache-control"}


def article_tag(slug: str) -> str:
    return f"article:{slug}"


def pages_cache():
    return caches[CACHE_ALIAS]


def _version_key(tag: str) -> str:
    return "v:" + hashlib.md5(tag.encode(), usedforsecurity=False).hexdigest()


def forget(tags) -> None:
    """New versions for these tags: every page stored with the old ones is stale from now on."""
    # Set, not deleted: the next reader then finds the lists' end time without a query of its own.
    pages_cache().set_many({_version_key(tag): _new_version(tag, changed=True) for tag in set(tags)}, None)


def _settings_lag() -> float | None:
    """How long other worker processes may still read old site settings (a process-local cache), or None."""
    from site_settings.models import LOCAL_CACHE_SECONDS, LocMemCache

    return LOCAL_CACHE_SECONDS if isinstance(caches["default"], LocMemCache) else None


def _next_publication() -> float | None:
    """When the next scheduled article becomes public (a Unix time), or None."""
    from .models import Article

    when = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    return when.timestamp() if when else None


def _new_version(tag: str, changed: bool = False) -> tuple[str, float | None]:
    """A fresh version: a random token and the moment it ends by itself: for lists, the next scheduled
    publication; for changed site settings, when every worker has read them (pages drawn before are redrawn)."""
    if tag == LISTS:
        return secrets.token_hex(8), _next_publication()
    lag = _settings_lag() if tag == SITE and changed else None
    return secrets.token_hex(8), None if lag is None else _now() + lag


def current_versions(tags) -> tuple:
    """The tags' current tokens, renewing missing or ended ones as the middleware does, for parts of a page
    cached on their own (articles/around.py): the versions are kept whether the page cache is on or off."""
    cache = pages_cache()
    keys = [_version_key(tag) for tag in tags]
    found, tokens, now = cache.get_many(keys), [], _now()
    for tag, key in zip(tags, keys, strict=True):
        version = found.get(key)
        if version is None or (version[1] is not None and version[1] <= now):
            version = _new_version(tag)
            cache.set(key, version, None)
        tokens.append(version[0])
    return tuple(tokens)


@functools.cache
def build() -> str:
    """What every page also depends on besides content: the settings pages print and the static files'
    hashed names (a deploy changes them). Part of every page's key."""
    names = ("SITE_URL", "SITE_NAME", "SITE_DESCRIPTION", "DEFAULT_SOCIAL_IMAGE", "STATIC_URL", "MEDIA_URL")
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    raw = repr([getattr(settings, name, None) for name in names]) + (manifest.read_text() if manifest.is_file() else "")
    return hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()[:12]


@receiver(setting_changed)
def _settings_changed(**kwargs):
    build.cache_clear()


def _now() -> float:
    return timezone.now().timestamp()  # timezone.now, not time.time: tests move it


@dataclass
class Entry:
    versions: tuple
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    etag: str
    last_modified: int

    def response(self, request) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        response["Content-Length"] = str(len(self.content))
        return response


class PageCacheMiddleware:
    """Serves a stored copy of a public page before any other work; stores what it may."""

    def __init__(self, get_response):
        if not settings.PAGE_CACHE_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.cache = pages_cache()
        self.timeout = settings.PAGE_CACHE_SECONDS

    def __call__(self, request):
        tags = self.tags_for(request)
        if tags is None:
            response = self.get_response(request)
            if self.is_personal_view_of_public_page(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        key = self.page_key(request)
        version_keys = [_version_key(tag) for tag in tags]
        found = self.cache.get_many([key, *version_keys])
        versions, ends = self.current_versions(tags, version_keys, found)
        entry = found.get(key)
        if entry is not None and entry.versions == versions:
            response = entry.response(request)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            entry = self.store(request, key, versions, response)
            if entry is None:
                return response
            response["X-Page-Cache"] = "miss"
        max_age = settings.PAGE_CACHE_MAX_AGE
        if ends is not None:  # browsers must not keep a list past the next scheduled publication
            max_age = max(0, min(max_age, round(ends - _now())))
        patch_cache_control(
            response, public=True, max_age=max_age, stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS
        )
        return get_conditional_response(request, etag=entry.etag, last_modified=entry.last_modified, response=response)

    @staticmethod
    def is_anonymous(request) -> bool:
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    def is_personal_view_of_public_page(self, request) -> bool:
        """A signed-in reader (staff sees drafts and edit links) on a public page: never kept by a browser or proxy."""
        return not self.is_anonymous(request) and self.route(request) is not None

    @staticmethod
    def route(request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return match if match.view_name in CACHED_VIEWS else None

    def tags_for(self, request) -> list[str] | None:
        """What the page shows, as version tags; None when this request must not be served from the cache."""
        if request.method not in {"GET", "HEAD"} or not self.is_anonymous(request):
            return None
        match = self.route(request)
        if match is None:
            return None
        if match.view_name == "articles:detail":
            return [SITE, LISTS, article_tag(match.kwargs["slug"])]
        return [SITE, LISTS]

    @staticmethod
    def page_key(request) -> str:
        # One copy per encoding the compression middleware (inside this one) would choose.
        encoding = compressor(request.headers.get("accept-encoding", ""))[0] or ""
        scheme = "https" if request.is_secure() else "http"
        raw = f"{build()}|{scheme}|{request.get_host()}|{request.get_full_path()}|{encoding}"
        return "p:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()

    def current_versions(self, tags, version_keys, found) -> tuple[tuple, float | None]:
        """The tags' current tokens (new ones where missing or ended), and when the earliest ends."""
        tokens, ends, now = [], None, _now()
        for tag, key in zip(tags, version_keys, strict=True):
            version = found.get(key)
            if version is None or (version[1] is not None and version[1] <= now):
                version = _new_version(tag)
                self.cache.set(key, version, None)
            tokens.append(version[0])
            if version[1] is not None:
                ends = version[1] if ends is None else min(ends, version[1])
        return tuple(tokens), ends

    def store(self, request, key, versions, response) -> Entry | None:
        if not self.storable(request, response):
            return None
        content = response.content
        etag = response.get("ETag") or f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        last_modified = int(time.time())
        response["ETag"] = etag
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = formatdate(last_modified, usegmt=True)
        patch_vary_headers(response, ["Cookie"])  # a signed-in reader gets another page
        headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_REPLAYED]
        entry = Entry(versions, response.status_code, headers, content, etag, last_modified)
        if request.method == "GET":
            self.cache.set(key, entry, self.timeout)
        return entry

    @staticmethod
    def storable(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
        return not (cache_control & _PERSONAL)
