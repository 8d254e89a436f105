"""The full-page cache (articles/page_cache.py): what is stored, for whom, and that every change shows next time."""

import gzip
from datetime import timedelta

import brotli
import pytest
from django.contrib.redirects.models import Redirect
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import timezone

from articles import page_cache, share
from articles.models import Article, Tag, Topic
from site_settings.models import SiteSettings

from .image_helpers import add_picture

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:articles_article_changelist")


def fetch(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.content.decode(errors="replace")


def test_a_second_anonymous_visit_is_served_stored_without_a_query(client, make_article, django_assert_num_queries):
    make_article(title="Stored piece")
    first, _ = fetch(client, "/articles/stored-piece/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second, html = fetch(client, "/articles/stored-piece/")
    assert second["X-Page-Cache"] == "hit" and "Stored piece" in html
    assert second["Cache-Control"].split(", ") == ["public", "max-age=60", "stale-while-revalidate=300"]
    assert second["ETag"] == first["ETag"] and second["Last-Modified"] == first["Last-Modified"]
    assert second["Content-Type"] == first["Content-Type"] and second["X-Frame-Options"] == "DENY"


def test_an_unchanged_page_answers_304_to_a_conditional_request(client, make_article):
    make_article(title="Conditional")
    etag = client.get("/articles/conditional/")["ETag"]
    response = client.get("/articles/conditional/", headers={"if-none-match": etag})
    assert response.status_code == 304 and response.content == b""
    assert client.get("/articles/conditional/", headers={"if-none-match": '"other"'}).status_code == 200


def test_a_head_request_gets_the_stored_headers_without_a_body(client, make_article):
    make_article(title="Headed")
    full = client.get("/articles/headed/")
    head = client.head("/articles/headed/")
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == full["ETag"]


def test_staff_with_a_session_bypass_the_cache_and_their_page_is_never_stored(client, admin_client, make_article):
    make_article(title="Shared page")
    staff_page = admin_client.get("/articles/shared-page/")
    assert "X-Page-Cache" not in staff_page and "no-store" in staff_page["Cache-Control"]
    assert "private" in staff_page["Cache-Control"]
    assert reverse("admin:articles_article_changelist") in staff_page.content.decode()  # the edit link
    public_page, html = fetch(client, "/articles/shared-page/")
    assert public_page["X-Page-Cache"] == "miss" and "/admin/" not in html


def test_a_shared_preview_is_never_stored(client, make_article):
    draft = make_article(title="Not yet", status=Article.Status.DRAFT)
    path, _ = share.share_link(draft)
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_page_that_sets_a_cookie_is_not_stored(client, make_article, settings):
    make_article(title="Cookie free")
    client.cookies["csrftoken"] = "x" * 32  # a cookie that is not a session does not bypass
    assert client.get("/articles/cookie-free/")["X-Page-Cache"] == "miss"
    assert client.get("/articles/cookie-free/")["X-Page-Cache"] == "hit"
    response = client.get("/articles/cookie-free/", headers={"cookie": "sessionid=abc"})
    assert "X-Page-Cache" not in response


def test_compressed_and_plain_copies_are_stored_apart(client, make_article):
    make_article(title="Squeezed", body="Words. " * 200)
    fetch(client, "/articles/squeezed/")
    squeezed = client.get("/articles/squeezed/", headers={"accept-encoding": "gzip, deflate, br"})
    assert squeezed["X-Page-Cache"] == "miss" and squeezed["Content-Encoding"] == "br"
    assert "Squeezed" in brotli.decompress(squeezed.content).decode()
    assert client.get("/articles/squeezed/", headers={"accept-encoding": "br"})["X-Page-Cache"] == "hit"
    zipped = client.get("/articles/squeezed/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert "Squeezed" in gzip.decompress(zipped.content).decode()
    again = client.get("/articles/squeezed/", headers={"accept-encoding": "gzip"})
    assert again["X-Page-Cache"] == "hit" and again["Content-Encoding"] == "gzip"
    plain = client.get("/articles/squeezed/")
    assert plain["X-Page-Cache"] == "hit" and "Content-Encoding" not in plain


# Every change shows on the next request


def test_an_admin_edit_shows_on_the_article_and_the_lists(client, admin_client, make_article, browser_post):
    article = make_article(title="First title", slug="piece")
    for url in ("/articles/piece/", "/", "/feed/", "/sitemap.xml"):
        fetch(client, url)
    change = reverse("admin:articles_article_change", args=[article.pk])
    response = browser_post(admin_client, change, {"title": "Second title"})
    assert response.status_code == 302
    for url in ("/articles/piece/", "/", "/feed/", "/sitemap.xml"):
        assert fetch(client, url)[0]["X-Page-Cache"] == "miss", url
    assert "Second title" in fetch(client, "/articles/piece/")[1] and "Second title" in fetch(client, "/")[1]


def test_publish_unpublish_trash_and_restore_through_the_admin(client, admin_client, make_article):
    draft = make_article(title="Coming up", slug="coming-up", status=Article.Status.DRAFT)
    assert "Coming up" not in fetch(client, "/")[1]
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert "Coming up" in fetch(client, "/")[1] and client.get("/articles/coming-up/").status_code == 200
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert "Coming up" not in fetch(client, "/")[1] and client.get("/articles/coming-up/").status_code == 404
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert client.get("/articles/coming-up/").status_code == 200
    admin_client.post(reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"})
    assert client.get("/articles/coming-up/").status_code == 410 and "Coming up" not in fetch(client, "/")[1]
    trash = reverse("admin:articles_trashedarticle_changelist")
    admin_client.post(trash, {"action": "restore", "_selected_action": [draft.pk]})
    assert client.get("/articles/coming-up/").status_code == 200 and "Coming up" in fetch(client, "/")[1]


def test_a_bulk_update_shows_next_time(client, make_article):
    make_article(title="Before", slug="bulk")
    fetch(client, "/articles/bulk/")
    Article.objects.filter(slug="bulk").update(title="After")
    assert "After" in fetch(client, "/articles/bulk/")[1] and "After" in fetch(client, "/")[1]


FRONT_MATTER = "---\ntitle: {}\nslug: imported\nstatus: published\ndate: 2024-01-02\n---\n\nBody.\n"


def test_an_import_shows_next_time(client, run_import, write):
    source = write("piece.md", FRONT_MATTER.format("Imported once"))
    assert run_import(source).code == 0
    assert "Imported once" in fetch(client, "/articles/imported/")[1]
    write("piece.md", FRONT_MATTER.format("Imported twice"))
    assert run_import(source).code == 0
    assert "Imported twice" in fetch(client, "/articles/imported/")[1] and "Imported twice" in fetch(client, "/")[1]


def test_renaming_or_deleting_a_term_shows_next_time(client, make_article):
    topic, tag = Topic.objects.create(name="Grief"), Tag.objects.create(name="Loss")
    make_article(title="On grief", slug="on-grief", topic=topic, tags=[tag])
    assert "Grief" in fetch(client, "/articles/on-grief/")[1] and fetch(client, "/tags/loss/")[0].status_code == 200
    topic.name = "Bereavement"
    topic.save()
    assert "Bereavement" in fetch(client, "/articles/on-grief/")[1] and "Bereavement" in fetch(client, "/topics/")[1]
    tag.delete()
    assert client.get("/tags/loss/").status_code == 404 and "Loss" not in fetch(client, "/articles/on-grief/")[1]


def test_site_settings_show_on_every_page_next_time(client, make_article):
    make_article(title="Anything", slug="anything")
    for url in ("/", "/articles/anything/", "/robots.txt"):
        fetch(client, url)
    SiteSettings(site_name="Renamed Practice").save()
    assert "Renamed Practice" in fetch(client, "/")[1] and "Renamed Practice" in fetch(client, "/articles/anything/")[1]


def test_a_new_redirect_works_at_once_for_an_address_visited_before(client, make_article):
    article = make_article(title="Target", slug="target")
    assert client.get("/old-address/").status_code == 404
    Redirect.objects.create(site_id=1, old_path="/old-address/", new_path=article.get_absolute_url())
    assert client.get("/old-address/")["Location"] == "/articles/target/"


def test_an_image_alt_text_change_shows_next_time(client, make_article):
    image = add_picture(size=(600, 300))
    image.alt_text = "A quiet room"
    image.save()
    make_article(title="Pictured", slug="pictured", featured_image=image)
    assert "A quiet room" in fetch(client, "/")[1] and "A quiet room" in fetch(client, "/articles/pictured/")[1]
    image.alt_text = "Two chairs by a window"
    image.save()
    assert "Two chairs by a window" in fetch(client, "/")[1]
    assert "Two chairs by a window" in fetch(client, "/articles/pictured/")[1]


def test_editing_a_draft_leaves_every_public_page_stored(client, make_article):
    make_article(title="Public", slug="public")
    draft = make_article(title="Work in progress", status=Article.Status.DRAFT)
    for url in ("/", "/articles/public/", "/feed/"):
        fetch(client, url)
    draft.body = "More words."
    draft.save()
    for url in ("/", "/articles/public/", "/feed/"):
        assert fetch(client, url)[0]["X-Page-Cache"] == "hit", url


def test_a_scheduled_article_appears_at_its_time_without_a_save(client, make_article, monkeypatch):
    make_article(title="Already out")
    now = timezone.now()
    scheduled = make_article(title="Tomorrow's news", slug="tomorrow", published_at=now + timedelta(hours=2))
    scheduled.refresh_from_db()
    home, html = fetch(client, "/")
    assert "Tomorrow's news" not in html and home["X-Page-Cache"] == "miss"
    assert fetch(client, "/")[0]["X-Page-Cache"] == "hit"
    monkeypatch.setattr(timezone, "now", lambda: scheduled.published_at - timedelta(seconds=30))
    assert fetch(client, "/")[0]["Cache-Control"].split(", ")[1] == "max-age=30"  # not past the publication
    monkeypatch.setattr(timezone, "now", lambda: scheduled.published_at + timedelta(seconds=1))
    home, html = fetch(client, "/")
    assert home["X-Page-Cache"] == "miss" and "Tomorrow" in html
    assert client.get("/articles/tomorrow/").status_code == 200
    assert "Tomorrow" in fetch(client, "/feed/")[1] and "tomorrow" in fetch(client, "/sitemap.xml")[1]


@pytest.mark.parametrize("url", ["/", "/feed/", "/sitemap-articles.xml"])
def test_pages_feeds_and_sitemaps_are_compressed_when_the_client_accepts_it(client, make_article, url):
    for n in range(12):
        make_article(title=f"Compressed piece {n}", body="Words. " * 50)
    response = client.get(url, headers={"accept-encoding": "br"})
    assert response["Content-Encoding"] == "br" and brotli.decompress(response.content)


def test_after_a_settings_change_pages_are_drawn_again_once_other_workers_have_read_it(
    client, make_article, monkeypatch, settings
):
    """Without Redis, each worker keeps site settings for up to LOCAL_CACHE_SECONDS: pages another worker
    draws in that time are drawn again when it ends, not kept with the old name."""
    from site_settings.models import LOCAL_CACHE_SECONDS

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    make_article(title="Anything", slug="anything")
    SiteSettings(site_name="New Name").save()
    assert fetch(client, "/")[0]["X-Page-Cache"] == "miss"
    assert fetch(client, "/")[0]["X-Page-Cache"] == "hit"
    later = timezone.now() + timedelta(seconds=LOCAL_CACHE_SECONDS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert fetch(client, "/")[0]["X-Page-Cache"] == "miss"
    assert fetch(client, "/")[0]["X-Page-Cache"] == "hit"  # once: the version it makes then does not end


def test_a_change_made_by_another_worker_shows_on_the_next_request(client, make_article):
    """Workers remember versions and pages (a stamp file, a Redis channel): another worker's or app server's
    change, written through its own store, must still show at once."""
    make_article(title="Elsewhere", slug="elsewhere")
    fetch(client, "/articles/elsewhere/")
    assert fetch(client, "/articles/elsewhere/")[0]["X-Page-Cache"] == "hit"
    another_worker = page_cache.store_for(page_cache.pages_cache())
    another_worker.set_versions({page_cache.article_tag("elsewhere"): ("from-another-worker", None)})
    assert fetch(client, "/articles/elsewhere/")[0]["X-Page-Cache"] == "miss"
    assert fetch(client, "/articles/elsewhere/")[0]["X-Page-Cache"] == "hit"


def test_a_worker_remembers_pages_up_to_its_limit_and_serves_the_rest_from_the_shared_cache(
    client, make_article, monkeypatch
):
    monkeypatch.setattr(page_cache.RememberingPages, "MEMORY", 40_000)
    paths = [make_article(title=f"Long piece {n}", body="Words and more. " * 400).get_absolute_url() for n in range(8)]
    for path in paths:
        fetch(client, path)
    memory = page_cache.page_store().local
    assert 0 < memory.size <= 40_000 and len(memory.pages) < len(paths)
    assert memory.size == sum(len(entry.content) for entry, _ in memory.pages.values())
    for path in paths:
        response, html = fetch(client, path)
        assert response["X-Page-Cache"] == "hit" and "Long piece" in html


def test_a_remembered_page_is_drawn_again_when_its_time_in_the_cache_is_over(client, make_article, settings):
    """Nothing changed, but a page also shows the year: a worker keeps a page no longer than the cache does."""
    settings.PAGE_CACHE_SECONDS = 0  # stored pages expire at once
    make_article(title="Year end", slug="year-end")
    assert fetch(client, "/articles/year-end/")[0]["X-Page-Cache"] == "miss"
    assert fetch(client, "/articles/year-end/")[0]["X-Page-Cache"] == "miss"


def test_a_change_while_a_worker_was_cut_off_from_redis_shows_once_it_is_back(client, make_article):
    """redis-py reconnects a listener and subscribes again by itself; a change published in between, which
    the worker never hears, must still show on its next request."""
    store = page_cache.page_store()
    if not isinstance(store, page_cache.RedisPages):
        pytest.skip("Redis only (REDIS_URL)")
    make_article(title="Cut off", slug="cut-off")
    fetch(client, "/articles/cut-off/")
    assert fetch(client, "/articles/cut-off/")[0]["X-Page-Cache"] == "hit"
    redis = store.cache._cache.get_client(write=True)
    assert redis.client_kill_filter(_type="pubsub") >= 1  # as a Redis restart or a network cut would
    another_worker = page_cache.store_for(page_cache.pages_cache())
    another_worker.set_versions({page_cache.article_tag("cut-off"): ("while-cut-off", None)})
    assert fetch(client, "/articles/cut-off/")[0]["X-Page-Cache"] == "miss"
    assert fetch(client, "/articles/cut-off/")[0]["X-Page-Cache"] == "hit"


def test_the_file_cache_keeps_near_its_limit_and_lists_its_folder_once_per_hundred_stores(tmp_path, monkeypatch):
    from site_config.cache import FileCache

    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    listings = []
    original = FileCache._list_cache_files
    monkeypatch.setattr(FileCache, "_list_cache_files", lambda self: listings.append(1) or original(self))
    for n in range(400):
        cache.set(f"page-{n}", b"x" * 100)
    assert len(listings) == 4
    assert len(list(tmp_path.glob("*.djcache"))) <= 50 + FileCache.CULL_EVERY


def test_culling_stored_pages_never_loses_a_version(settings, tmp_path, db):
    """Culled pages are merely drawn again; a culled `site` version would make every page stale at once."""
    pages = {"BACKEND": "site_config.cache.FileCache", "LOCATION": str(tmp_path)}
    settings.CACHES = {**settings.CACHES, "pages": pages}
    store = page_cache.page_store()
    tags = [page_cache.SITE, page_cache.article_tag("a"), page_cache.article_tag("b")]
    page_cache.forget(tags)
    before = store.versions(tags)
    store.cache._max_entries = 10
    store.cache.CULL_EVERY = 1
    for n in range(200):
        store.cache.set(f"page-{n}", b"x", None)
    assert len(list(tmp_path.glob("*.djcache"))) <= 10
    another_worker = page_cache.store_for(page_cache.pages_cache())  # reads the files, remembering nothing yet
    assert another_worker.versions(tags) == before


# The WSGI front (page_cache.StoredPagesApp, site_config.wsgi.application): what gunicorn serves.


def wsgi_get(path, method="GET", **headers):
    """One request through the production WSGI application, with the environ a WSGI server such as gunicorn
    builds (PEP 3333: the path unquoted, as ISO-8859-1 text): status, headers, body."""
    import io
    from urllib.parse import unquote_to_bytes, urlsplit

    from site_config.wsgi import application

    url = urlsplit(path)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": unquote_to_bytes(url.path).decode("iso-8859-1"),
        "QUERY_STRING": url.query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        **headers,
    }
    sent = {}

    def start_response(status, headers, exc_info=None):
        sent.update(status=status, headers=dict(headers))

    # As Django's test client does: the request signals must not close the test's connection (its transaction),
    # and the script prefix a request sets must not outlive it in this thread.
    prefix = get_script_prefix()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = application(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()  # Django's request_finished, as a WSGI server calls it
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        set_script_prefix(prefix)
    return sent["status"], sent["headers"], content


@pytest.fixture
def django_requests():
    """How many requests reached Django's handler (its request_started signal)."""
    from django.core.signals import request_started

    started = []

    def count(**kwargs):
        started.append(1)

    request_started.connect(count)
    yield started
    request_started.disconnect(count)


def test_the_wsgi_front_answers_a_stored_page_as_the_middleware_does_without_django(
    client, make_article, django_requests
):
    make_article(title="Front page")
    client.get("/articles/front-page/")  # drawn and stored
    through_middleware = client.get("/articles/front-page/")
    django_requests.clear()
    status, headers, content = wsgi_get("/articles/front-page/")
    assert status == "200 OK" and django_requests == []
    assert content == through_middleware.content and headers["X-Page-Cache"] == "hit"
    assert headers == {name: value for name, value in through_middleware.items()}


def test_the_wsgi_front_hands_a_miss_to_django_which_stores_it_without_looking_again(
    make_article, django_requests, monkeypatch
):
    make_article(title="Handed on")
    store = page_cache.page_store()
    lookups = []
    lookup = store.lookup
    monkeypatch.setattr(store, "lookup", lambda key, tags: lookups.append(key) or lookup(key, tags))
    status, headers, _ = wsgi_get("/articles/handed-on/")
    assert status == "200 OK" and headers["X-Page-Cache"] == "miss" and len(lookups) == 1
    assert django_requests == [1]
    assert wsgi_get("/articles/handed-on/")[1]["X-Page-Cache"] == "hit" and django_requests == [1]


def test_the_wsgi_front_shows_a_change_on_the_next_request(make_article):
    article = make_article(title="Before the change")
    assert b"Before the change" in wsgi_get("/articles/before-the-change/")[2]
    assert wsgi_get("/articles/before-the-change/")[1]["X-Page-Cache"] == "hit"
    article.title = "After the change"
    article.save()
    _, headers, content = wsgi_get("/articles/before-the-change/")
    assert b"After the change" in content and headers["X-Page-Cache"] == "miss"


def test_the_wsgi_front_answers_conditional_and_head_requests(make_article):
    make_article(title="Front conditional")
    _, headers, _ = wsgi_get("/articles/front-conditional/")
    status, again, content = wsgi_get("/articles/front-conditional/", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status == "304 Not Modified" and content == b"" and again["ETag"] == headers["ETag"]
    status, head, content = wsgi_get("/articles/front-conditional/", method="HEAD")
    assert status == "200 OK" and content == b"" and head["X-Page-Cache"] == "hit"
    assert head["Content-Length"] == headers["Content-Length"]


def test_the_wsgi_front_leaves_signed_in_readers_and_bad_hosts_to_django(admin_client, make_article, django_requests):
    make_article(title="Front staff")
    wsgi_get("/articles/front-staff/")  # stored for anonymous readers
    session = admin_client.cookies["sessionid"].value
    status, headers, content = wsgi_get("/articles/front-staff/", HTTP_COOKIE=f"sessionid={session}")
    assert status == "200 OK" and "X-Page-Cache" not in headers and "no-store" in headers["Cache-Control"]
    assert b"/admin/" in content  # the edit link: Django drew the staff member's own page
    status, _, _ = wsgi_get("/articles/front-staff/", HTTP_HOST="evil.example")
    assert status.startswith("400")


def test_the_wsgi_front_serves_an_article_at_a_non_ascii_address(make_article):
    """A WSGI server gives the path as ISO-8859-1 text (PEP 3333), as RequestFactory does: the front must hand
    Django the environ as the server gave it (Django decoding it a second time broke every such address)."""
    article = make_article(title="القلق والنوم")
    path = article.get_absolute_url()  # percent-encoded, as a browser sends it
    assert "%D8" in path
    first, second = wsgi_get(path), wsgi_get(path)
    assert first[0] == second[0] == "200 OK" and "القلق والنوم".encode() in second[2]
    assert (first[1]["X-Page-Cache"], second[1]["X-Page-Cache"]) == ("miss", "hit")
    answers = {"/articles/caf%C3%A9/": "404", "/tags/%E2%9C%93/": "404", "/admin/%E2%9C%93/": "302"}  # to log in
    assert {path: wsgi_get(path)[0][:3] for path in answers} == answers


def test_a_page_stored_before_a_change_of_security_settings_is_not_served_after_it(client, make_article, settings):
    make_article(title="Settings changed")
    settings.SECURE_SSL_REDIRECT = False
    assert client.get("/articles/settings-changed/")["X-Page-Cache"] == "miss"
    assert client.get("/articles/settings-changed/", secure=True)["X-Page-Cache"] == "miss"
    settings.SECURE_SSL_REDIRECT = True  # a restart with HTTPS now required, and HSTS longer
    settings.SECURE_HSTS_SECONDS = 600
    client = Client()  # a new handler: the security middleware reads its settings when it starts
    redirected = client.get("/articles/settings-changed/")
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")
    page = client.get("/articles/settings-changed/", secure=True)
    assert page["X-Page-Cache"] == "miss" and page["Strict-Transport-Security"].startswith("max-age=600")


def test_a_disallowed_host_gets_its_400_with_the_security_headers(client, make_article):
    make_article(title="Bad host")
    client.get("/articles/bad-host/")
    response = client.get("/articles/bad-host/", headers={"host": "evil.example"})
    assert response.status_code == 400 and "X-Page-Cache" not in response
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"]


def test_with_the_page_cache_off_a_signed_in_readers_public_page_is_still_private(admin_client, make_article, settings):
    settings.PAGE_CACHE_ENABLED = False  # read when the client's handler loads the middleware (first request)
    make_article(title="Off but personal")
    response = admin_client.get("/articles/off-but-personal/")
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_links_drawn_under_another_script_prefix_never_reach_the_plain_address(make_article):
    """gunicorn takes a SCRIPT_NAME request header; links drawn under it must not be kept for everyone."""
    make_article(title="Older neighbour", published_at=timezone.now() - timedelta(days=2))
    make_article(title="Prefixed", published_at=timezone.now() - timedelta(days=1))
    _, _, prefixed = wsgi_get("/articles/prefixed/", SCRIPT_NAME="/foo")
    assert b'href="/foo/articles/older-neighbour/"' in prefixed
    _, _, plain = wsgi_get("/articles/prefixed/")
    assert b'href="/articles/older-neighbour/"' in plain and b"/foo/" not in plain


def test_a_link_with_tracking_parameters_gets_the_page_s_stored_copy(client, make_article, django_assert_num_queries):
    make_article(title="Shared widely")
    assert fetch(client, "/articles/shared-widely/")[0]["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        tracked, html = fetch(client, "/articles/shared-widely/?utm_source=newsletter&utm_medium=email&fbclid=IwAR0x")
    assert tracked["X-Page-Cache"] == "hit" and "Shared widely" in html
    assert client.get("/articles/shared-widely/?utm%5Fsource=a&fb%63lid=b")["X-Page-Cache"] == "hit"  # as Django reads


def test_spellings_of_the_same_parameters_share_one_stored_copy(client, make_article):
    make_article(title="One copy")
    assert client.get("/search/?q=copy&page=1")["X-Page-Cache"] == "miss"
    for same in ("/search/?page=1&q=copy", "/search/?q=copy&page=1&&", "/search/?q=other&q=copy&page=1"):
        assert client.get(same)["X-Page-Cache"] == "hit", same  # the view reads the last value of each


def test_parameters_a_page_reads_keep_their_own_copies_beside_tracking_ones(client, make_article):
    make_article(title="Sleep and mood")
    assert fetch(client, "/search/?q=sleep")[0]["X-Page-Cache"] == "miss"
    assert fetch(client, "/search/?utm_campaign=spring&q=sleep&gclid=x")[0]["X-Page-Cache"] == "hit"
    other, html = fetch(client, "/search/?q=mood&utm_campaign=spring")
    assert other["X-Page-Cache"] == "miss" and "Sleep and mood" in html


def test_a_parameter_no_view_reads_is_neither_served_from_nor_stored_in_the_page_cache(client, make_article):
    make_article(title="Sleep and mood")
    assert fetch(client, "/articles/sleep-and-mood/")[0]["X-Page-Cache"] == "miss"
    for _ in range(2):  # a copy per value would let `?x=<random>` fill the store
        response, html = fetch(client, "/articles/sleep-and-mood/?x=1&utm_source=feed")
        assert response.status_code == 200 and "X-Page-Cache" not in response and "Sleep and mood" in html
    for url in ("/search/?q=sleep&ref=x", "/?page=1&replytocom=5", "/sitemap.xml?p=1&x"):
        assert "X-Page-Cache" not in client.get(url)
    assert client.get("/sitemap.xml?p=1")["X-Page-Cache"] == "miss" and client.get("/?page=1")["X-Page-Cache"] == "miss"
