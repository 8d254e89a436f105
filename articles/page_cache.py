"""A full-page cache for anonymous readers, in front of every public page, with exact invalidation.

A page is stored with the versions of what it shows (its tags): `site`, what every page shows (site
settings, and which articles are public, in what order, with what titles, terms and images: every list,
feed, sitemap and search, and each article page's previous/next/related links), and `article:<slug>` (one
article's page). Serving compares the stored versions with the current ones, so a change that forgets a
tag (articles/page_invalidation.py) makes the affected pages fresh on the next request and leaves the
others cached. The `site` version also ends by itself at the next scheduled publication, so a scheduled
article appears at its time although nothing was saved.

Only anonymous GET/HEAD requests without a session or messages cookie are served or stored; only a
200 without cookies and without private/no-store is stored: no session, CSRF token, message or
preview can reach the cache. The versions live in the "pages" cache (Redis when REDIS_URL is set, a
file cache otherwise), so every worker and every app server sees the same versions: with Redis, a page
and its versions come in one round trip; with files, each worker remembers versions and pages until a
stamp file changes (FilePages).
"""

import contextlib
import functools
import hashlib
import logging
import os
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlencode

from compression_middleware.middleware import compressor
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from redis.exceptions import RedisError

from site_config.cache import FileCache

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
SITE = "site"
# Public pages, by URL name, with the query parameters each view reads; everything else (admin, previews, media,
# editor endpoints) passes through. A request with any other parameter (tracking ones aside) is neither served
# from nor stored in the cache: each of its values would be one more stored copy of the same page, and a crawler
# or a script appending `?x=<random>` would fill the store.
CACHED_VIEWS = {
    "articles:list": {"page"},
    "articles:detail": set(),
    "articles:search": {"q", "page"},
    "articles:topics": set(),
    "articles:topic": {"page"},
    "articles:tag": {"page"},
    "articles:feed": set(),
    "articles:feed-atom": set(),
    "articles:topic-feed": set(),
    "articles:tag-feed": set(),
    "robots": set(),
    "sitemap": {"p"},
    "sitemap-section": {"p"},
}
_PERSONAL = {"private", "no-store", "no-cache"}
_NOT_REPLAYED = {"content-length", "set-cookie", "cache-control", "x-page-cache"}


def article_tag(slug: str) -> str:
    return f"article:{slug}"


def pages_cache():
    return caches[CACHE_ALIAS]


def _version_key(tag: str) -> str:
    return "v:" + hashlib.md5(tag.encode(), usedforsecurity=False).hexdigest()


def forget(tags, *, settings_changed: bool = False) -> None:
    """New versions for these tags: every page stored with the old ones is stale from now on."""
    # Set, not deleted: the next reader then finds the site's end time without a query of its own.
    page_store().set_versions({tag: _new_version(tag, settings_changed) for tag in set(tags)})


def versioned_key(kind: str, parts: list[str], tags: list[str]) -> str:
    """A default-cache key for something derived from what the tags' versions cover (articles/around.py,
    articles/pagination.py): `parts` say which thing, the tags' current tokens (new ones where missing or ended)
    make any change that forgets a tag a new key."""
    raw = "|".join([*parts, *_summary(page_store().versions(tags))[0]])
    return f"{kind}:{hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()}"


def clear() -> None:
    """Drop every stored page and version, in every worker."""
    store = page_store()
    store.cache.clear()
    store.version_cache.clear()
    store.announce()  # workers that remember pages forget them


def _settings_lag() -> float | None:
    """How long other worker processes may still read old site settings (a process-local cache), or None."""
    from site_settings.models import LOCAL_CACHE_SECONDS, LocMemCache

    return LOCAL_CACHE_SECONDS if isinstance(caches["default"], LocMemCache) else None


def _next_publication() -> float | None:
    """When the next scheduled article becomes public (a Unix time), or None."""
    from .models import Article

    when = Article.objects.scheduled().order_by("published_at").values_list("published_at", flat=True).first()
    return when.timestamp() if when else None


def _new_version(tag: str, settings_changed: bool = False) -> tuple[str, float | None]:
    """A fresh version: a random token and the moment it ends by itself. The site's ends at the next
    scheduled publication, or sooner after a change of settings, when every worker has read them (pages
    drawn before that are drawn again)."""
    if tag != SITE:
        return secrets.token_hex(8), None
    ends = [_next_publication(), _now() + lag if settings_changed and (lag := _settings_lag()) is not None else None]
    return secrets.token_hex(8), min((end for end in ends if end is not None), default=None)


@functools.cache
def build() -> str:
    """What every page also depends on besides content: the settings pages print or whose headers they carry,
    and the static files' hashed names (a deploy changes them). Part of every page's key, so a restart with
    other settings (HTTPS redirect, HSTS, CSP, time zone) serves no page stored under the old ones."""
    names = (
        *("SITE_URL", "SITE_NAME", "SITE_DESCRIPTION", "DEFAULT_SOCIAL_IMAGE", "STATIC_URL", "MEDIA_URL"),
        *("LANGUAGE_CODE", "TIME_ZONE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS"),
        *("SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_CSP", "SECURE_CSP_REPORT_ONLY"),
        *("SECURE_REFERRER_POLICY", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF"),
        "X_FRAME_OPTIONS",
    )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    raw = repr([getattr(settings, name, None) for name in names]) + (manifest.read_text() if manifest.is_file() else "")
    return hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()[:12]


@receiver(setting_changed)
def _settings_changed(**kwargs):
    build.cache_clear()
    _route.cache_clear()
    page_store.cache_clear()


def _now() -> float:
    return timezone.now().timestamp()  # timezone.now, not time.time: tests move it


@dataclass
class Entry:
    """A stored page: the versions it was drawn with, and the response as it is replayed."""

    versions: tuple
    status: int
    headers: dict[str, tuple[str, str]]  # lower-case name -> (name, value), as HttpResponse keeps them
    content: bytes
    etag: str
    last_modified: int

    def response(self, request) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else self.content, status=self.status)
        # The values were checked when the page was drawn: copied in without parsing each again (setting
        # them one by one took a sixth of a stored page's time).
        store = response.headers._store
        store.update(self.headers)
        store["content-length"] = ("Content-Length", str(len(self.content)))
        store["x-page-cache"] = ("X-Page-Cache", "hit")
        return response


def _summary(versions: list[tuple]) -> tuple[tuple, float | None]:
    """The tokens of (token, ends) versions, and when the earliest ends."""
    ends = [end for _, end in versions if end is not None]
    return tuple(token for token, _ in versions), min(ends, default=None)


def _ended(version, now: float) -> bool:
    return version is None or (version[1] is not None and version[1] <= now)


class SharedPages:
    """Pages and versions in a cache every worker and server reads (Redis; local memory in one process):
    a page and its versions come in one round trip."""

    def __init__(self, cache, version_cache=None):
        self.cache = cache
        self.version_cache = version_cache or cache

    def lookup(self, key: str, tags: list[str]) -> tuple[Entry | None, tuple, float | None]:
        """The stored page if it was drawn with the tags' current versions; those versions; when they end."""
        version_keys = [_version_key(tag) for tag in tags]
        found = self.cache.get_many([key, *version_keys])
        versions, ends = _summary(self.current(tags, [found.get(k) for k in version_keys]))
        entry = found.get(key)
        return (entry if entry is not None and entry.versions == versions else None), versions, ends

    def versions(self, tags: list[str]) -> list[tuple]:
        """The tags' current (token, ends) versions, for parts of a page kept on their own (articles/around.py)."""
        found = self.version_cache.get_many([_version_key(tag) for tag in tags])
        return self.current(tags, [found.get(_version_key(tag)) for tag in tags])

    def current(self, tags, found) -> list[tuple]:
        """The tags' versions as found, with new ones where missing or ended."""
        now, versions, new = _now(), [], {}
        for tag, version in zip(tags, found, strict=True):
            if _ended(version, now):
                version = new[tag] = _new_version(tag)
            versions.append(version)
        if new:
            self.set_versions(new)
        return versions

    def set_versions(self, versions: dict) -> None:
        if versions:
            self.version_cache.set_many({_version_key(tag): version for tag, version in versions.items()}, None)

    def save(self, key: str, entry: Entry) -> None:
        self.cache.set(key, entry, settings.PAGE_CACHE_SECONDS)

    def announce(self) -> None:
        """Tell other workers that versions changed: nothing to do when none remembers any."""


class RememberingPages(SharedPages):
    """Each worker remembers the versions it read, and its recent pages, for as long as it hears of no
    change: `generation()` is cheap (a stat, a look at a socket) and differs once any version has changed
    anywhere, or is None when the worker cannot tell (then it remembers nothing)."""

    MEMORY = 8 * 1024 * 1024  # bytes of pages each worker (thread) remembers

    def __init__(self, cache, version_cache=None):
        super().__init__(cache, version_cache)
        self.local = threading.local()  # the development server answers each request in its own thread

    def generation(self):
        raise NotImplementedError

    def set_versions(self, versions):
        super().set_versions(versions)
        self.announce()  # after the versions: a worker that hears of it reads the new ones

    def memory(self, generation):
        """This thread's remembered versions and pages, emptied when the generation has changed."""
        local = self.local
        if generation is None or getattr(local, "generation", None) != generation:
            local.generation, local.versions, local.pages, local.size = generation, {}, OrderedDict(), 0
        return local

    def versions(self, tags):
        return self.remembered_versions(tags)[1]

    def remembered_versions(self, tags):
        """This thread's memory (emptied if anything changed) and the tags' versions, read if not known."""
        generation = self.generation()  # first: a change after this shows as a new generation next time
        memory = self.memory(generation)
        now = _now()
        known = [memory.versions.get(tag) for tag in tags]
        if any(_ended(version, now) for version in known):
            known = super().versions(tags)
            if generation is not None and self.generation() == generation:  # unchanged while reading
                memory.versions.update(zip(tags, known, strict=True))
        return memory, known

    def lookup(self, key, tags):
        memory, known = self.remembered_versions(tags)
        versions, ends = _summary(known)
        entry, until = memory.pages.get(key, (None, 0.0))
        if entry is not None and entry.versions == versions and time.monotonic() < until:
            memory.pages.move_to_end(key)
            return entry, versions, ends
        entry = self.cache.get(key)
        if entry is None or entry.versions != versions:
            return None, versions, ends
        self.remember(memory, key, entry)
        return entry, versions, ends

    def save(self, key, entry):
        super().save(key, entry)
        self.remember(self.memory(self.generation()), key, entry)

    def remember(self, memory, key: str, entry: Entry) -> None:
        """Keep a page in this thread's memory, as long as the shared cache keeps it at most (a page also shows
        the year), dropping the least recently served beyond MEMORY."""
        if memory.generation is None:
            return
        old, _ = memory.pages.pop(key, (None, 0.0))
        memory.size += len(entry.content) - (len(old.content) if old else 0)
        memory.pages[key] = entry, time.monotonic() + settings.PAGE_CACHE_SECONDS
        while memory.size > self.MEMORY:
            memory.size -= len(memory.pages.popitem(last=False)[1][0].content)


class FilePages(RememberingPages):
    """The file cache, on one machine: a change of a version replaces a stamp file beside the cache (a new
    inode each time), so a stored page costs one stat() instead of a file read per version and page."""

    def __init__(self, cache, folder: str):
        # Versions in a folder of their own, never culled with pages: losing the site's version to a cull
        # would make every page stale at once. One small file per article shown, at most.
        versions = FileCache(
            str(Path(folder) / "versions"), {"KEY_PREFIX": cache.key_prefix, "OPTIONS": {"MAX_ENTRIES": 10_000_000}}
        )
        super().__init__(cache, versions)
        self.stamp_path = Path(folder) / "versions.stamp"

    def announce(self) -> None:
        self.stamp_path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.stamp_path.parent, prefix=".stamp-")
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(8))
        os.replace(temporary, self.stamp_path)

    def generation(self):
        try:
            found = os.stat(self.stamp_path)
        except FileNotFoundError:  # a new or emptied folder: start one (every worker then reads afresh)
            try:
                self.announce()
                found = os.stat(self.stamp_path)
            except OSError:
                return None
        return found.st_ino, found.st_mtime_ns, found.st_size


class RedisPages(RememberingPages):
    """Redis, shared by every app server: a change of a version is published on a channel each worker
    listens to. Redis writes the message to every listener while it answers the PUBLISH, so by the time
    the change's own request has answered, each worker finds it waiting on its socket, which it looks at
    (without waiting) before each page. A worker that cannot listen remembers nothing and asks Redis for
    the versions on every request, as SharedPages does."""

    RETRY_SECONDS = 5  # after Redis failed, how long a worker goes without listening before trying again

    def __init__(self, cache):
        super().__init__(cache)
        self.channel = cache.make_key("versions-changed")
        self.lock = threading.Lock()
        self.listener = None
        self.listener_pid = None
        self.heard = 0
        self.confirmed = False
        self.retry_at = 0.0

    def announce(self) -> None:
        with self.lock:
            self.heard += 1  # this process's own threads forget at once, without waiting for the message
        try:
            self.cache._cache.get_client(write=True).publish(self.channel, b"1")
        except RedisError as error:  # the versions were not written either (the cache degrades): nothing to tell
            logger.warning("Page cache: could not announce a change (%s)", error.__class__.__name__)

    def generation(self):
        with self.lock:
            try:
                listener = self.listen()
                if listener is None:
                    return None
                while (message := listener.get_message(timeout=0)) is not None:
                    if message["type"] == "subscribe":
                        self.confirmed = True
                    self.heard += 1
            except RedisError:
                self.stop_listening()
                return None
            # Between a reconnection (redis-py reconnects and subscribes again by itself) and Redis's
            # confirmation, changes may go unheard: remember nothing until then.
            return (id(listener), self.heard) if self.confirmed else None

    def reconnected(self, connection) -> None:
        self.confirmed = False
        self.heard += 1

    def listen(self):
        if self.listener is not None and self.listener_pid == os.getpid():
            return self.listener
        self.listener = None  # a forked worker makes its own connection
        if time.monotonic() < self.retry_at:
            return None
        try:
            listener = self.cache._cache.get_client().pubsub()
            listener.subscribe(self.channel)
            listener.connection.register_connect_callback(self.reconnected)
            if listener.get_message(timeout=1) is None:  # the subscription confirmed: changes reach us from now
                raise RedisError("no answer to SUBSCRIBE")
        except RedisError:
            self.retry_at = time.monotonic() + self.RETRY_SECONDS
            raise
        self.listener, self.listener_pid, self.confirmed = listener, os.getpid(), True
        return listener

    def stop_listening(self) -> None:
        listener, self.listener = self.listener, None
        self.retry_at = time.monotonic() + self.RETRY_SECONDS
        if listener is not None:
            with contextlib.suppress(RedisError):
                listener.close()


@functools.cache
def page_store() -> SharedPages:
    """This process's one store (what it remembers is shared by the middleware and by forget())."""
    return store_for(pages_cache())


def store_for(cache) -> SharedPages:
    if isinstance(cache, FileBasedCache):
        return FilePages(cache, cache._dir)
    if isinstance(cache, RedisCache):
        return RedisPages(cache)
    return SharedPages(cache)


@functools.lru_cache(maxsize=4096)
def _route(path: str) -> tuple[str, dict] | None:
    """A public page's URL name and arguments, or None: the same for a path until the URLs change, so
    resolved once per path (a tenth of a stored page's time)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return (match.view_name, match.kwargs) if match.view_name in CACHED_VIEWS else None


@functools.lru_cache(maxsize=256)
def _encoding(accept_encoding: str) -> str:
    return compressor(accept_encoding)[0] or ""


_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


# Added to shared links by newsletters, social sites and ad networks. No view reads them, so a page reached
# through one is the same page: it shares the page's stored copy instead of being drawn and stored once per
# click (a Facebook link's fbclid differs for every reader).
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "twclid",
        "igshid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
    }
)


def _query_as_read(request, view_name: str) -> str | None:
    """The query string as the view reads it, or None when it holds a parameter the view does not read.

    Parsed as Django parses it (request.GET): the last value of each parameter the view reads, in one order,
    tracking parameters dropped. So `?utm%5Fsource=…&page=2`, `?page=1&page=2` and `?page=2&&` are all `page=2`,
    one stored copy, not one per spelling."""
    read = CACHED_VIEWS[view_name]
    kept = {}
    for name in request.GET:
        if name in read:
            kept[name] = request.GET[name]
        elif not (name in TRACKING_PARAMETERS or name.startswith("utm_")):
            return None
    return urlencode(sorted(kept.items()))


@dataclass
class Lookup:
    """What the page cache found for one request: the stored page, or what storing the view's page needs."""

    key: str
    entry: Entry | None
    versions: tuple
    ends: float | None


# Where the WSGI front (StoredPagesApp) leaves a miss's lookup for the middleware, which then does not repeat it.
_LOOKED_UP = "articles.page_cache.lookup"
_NOT_LOOKED_UP = object()


class PageCacheMiddleware:
    """Serves a stored copy of a public page before any other work; stores what it may."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Off (PAGE_CACHE=0), it stores nothing but still marks a signed-in reader's public page private.
        self.enabled = settings.PAGE_CACHE_ENABLED

    def __call__(self, request):
        lookup = request.META.pop(_LOOKED_UP, _NOT_LOOKED_UP)  # the WSGI front's, if it looked
        if lookup is _NOT_LOOKED_UP:
            lookup = self.look_up(request) if self.enabled else None
        if lookup is None:
            response = self.get_response(request)
            if self.is_personal_view_of_public_page(request):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if lookup.entry is not None:
            return self.stored_response(request, lookup)
        response = self.get_response(request)
        entry = self.store_response(request, lookup.key, lookup.versions, response)
        if entry is None:
            return response
        response["X-Page-Cache"] = "miss"
        return self.finish(request, response, entry, lookup.ends)

    @classmethod
    def look_up(cls, request) -> Lookup | None:
        """The page cache's answer for this request; None when the request must not be served from the cache."""
        tags = cls.tags_for(request)
        if tags is None:
            return None
        try:
            key = cls.page_key(request)
        except DisallowedHost:  # Django refuses it further in, with every security header (400)
            return None
        return Lookup(key, *page_store().lookup(key, tags))

    @classmethod
    def stored_response(cls, request, lookup: Lookup) -> HttpResponse:
        return cls.finish(request, lookup.entry.response(request), lookup.entry, lookup.ends)

    @classmethod
    def finish(cls, request, response, entry: Entry, ends: float | None) -> HttpResponse:
        response["Cache-Control"] = cls.cache_control(ends)
        if any(header in request.META for header in _CONDITIONAL):
            return get_conditional_response(
                request, etag=entry.etag, last_modified=entry.last_modified, response=response
            )
        return response

    @staticmethod
    def cache_control(ends: float | None) -> str:
        max_age = settings.PAGE_CACHE_MAX_AGE
        if ends is not None:  # browsers must not keep a list past the next scheduled publication
            max_age = max(0, min(max_age, round(ends - _now())))
        return f"public, max-age={max_age}, stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"

    @staticmethod
    def is_anonymous(request) -> bool:
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    @classmethod
    def is_personal_view_of_public_page(cls, request) -> bool:
        """A signed-in reader (staff sees drafts and edit links) on a public page: never kept by a browser or proxy."""
        return not cls.is_anonymous(request) and _route(request.path_info) is not None

    @classmethod
    def tags_for(cls, request) -> list[str] | None:
        """What the page shows, as version tags; None when this request must not be served from the cache."""
        if request.method not in {"GET", "HEAD"} or not cls.is_anonymous(request):
            return None
        route = _route(request.path_info)
        if route is None:
            return None
        view_name, kwargs = route
        if _query_as_read(request, view_name) is None:
            return None
        if view_name == "articles:detail":
            return [SITE, article_tag(kwargs["slug"])]
        return [SITE]

    @staticmethod
    def page_key(request) -> str:
        """For a request tags_for() accepted (a public page whose parameters its view reads)."""
        # One copy per encoding the compression middleware (inside this one) would choose.
        encoding = _encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        scheme = "https" if request.is_secure() else "http"
        query = _query_as_read(request, _route(request.path_info)[0])
        raw = f"{build()}|{scheme}|{request.get_host()}|{escape_uri_path(request.path)}?{query}|{encoding}"
        return "p2:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()

    def store_response(self, request, key, versions, response) -> Entry | None:
        if not self.storable(request, response):
            return None
        content = response.content
        etag = response.get("ETag") or f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        last_modified = int(time.time())
        response["ETag"] = etag
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = formatdate(last_modified, usegmt=True)
        patch_vary_headers(response, ["Cookie"])  # a signed-in reader gets another page
        headers = {
            lower: (name, value)
            for lower, (name, value) in response.headers._store.items()
            if lower not in _NOT_REPLAYED
        }
        entry = Entry(versions, response.status_code, headers, content, etag, last_modified)
        if request.method == "GET":
            page_store().save(key, entry)
        return entry

    @staticmethod
    def storable(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
        return not (cache_control & _PERSONAL)


class StoredPagesApp:
    """The WSGI application in front of Django's (site_config/wsgi.py): a stored page is answered here, with the
    middleware's own lookup and response, before Django's handler sends its request signals and walks the
    middleware. That walk cost as much as the stored page itself. Anything else, a miss included (its lookup
    handed on, not repeated), goes to Django, where PageCacheMiddleware stores the page; without this front
    (the test client, ASGI) the middleware serves stored pages itself."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if settings.PAGE_CACHE_ENABLED and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            try:
                request = WSGIRequest(environ.copy())  # it rewrites PATH_INFO, which Django's must read as sent
                lookup = PageCacheMiddleware.look_up(request)
            except Exception:  # whatever it is, Django's handler meets it again and answers it (a logged 500)
                lookup = _NOT_LOOKED_UP
            if isinstance(lookup, Lookup) and lookup.entry is not None:
                response = PageCacheMiddleware.stored_response(request, lookup)
                start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
                return [response.content]
            environ[_LOOKED_UP] = lookup
        return self.application(environ, start_response)
