"""Old addresses (contrib.redirects) lead only to articles that are public now."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from articles.redirects import leads_to_hidden_article

pytestmark = pytest.mark.django_db

OLD = "/2024/01/old-permalink/"


def redirect(old_path: str, new_path) -> Redirect:
    if isinstance(new_path, Article):
        new_path = new_path.get_absolute_url()
    return Redirect.objects.create(site_id=settings.SITE_ID, old_path=old_path, new_path=new_path)


@pytest.fixture
def public(make_article):
    return make_article(title="Public piece", slug="public-piece")


@pytest.fixture
def draft(make_article):
    return make_article(title="Secret draft title", slug="secret-draft", status=Article.Status.DRAFT)


@pytest.fixture
def scheduled(make_article):
    return make_article(title="Secret scheduled title", published_at=timezone.now() + timedelta(days=3))


def assert_redirects_to(response, article):
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def assert_unknown(response, *secrets):
    """A 404 exactly like an unknown address's: our template, nothing of the article."""
    assert response.status_code == 404
    assert "Location" not in response
    body = response.content.decode()
    assert "Page not found" in body
    for secret in secrets:
        assert secret not in body


# Old paths (the 404 fallback)


def test_a_redirect_to_a_public_article_is_permanent(client, public):
    redirect(OLD, public)
    assert_redirects_to(client.get(OLD), public)


def test_a_redirect_to_a_draft_answers_404_like_an_unknown_address(client, draft):
    redirect(OLD, draft)
    assert_unknown(client.get(OLD), draft.slug, draft.title)


def test_a_redirect_to_a_scheduled_article_waits_for_its_time_with_no_job_to_run(client, scheduled):
    redirect(OLD, scheduled)
    assert_unknown(client.get(OLD), scheduled.slug, scheduled.title)

    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))

    assert_redirects_to(client.get(OLD), scheduled)


def test_an_article_taken_back_to_draft_loses_its_redirects(client, public):
    redirect(OLD, public)
    assert client.get(OLD).status_code == 301
    public.status = Article.Status.DRAFT
    public.save()
    assert_unknown(client.get(OLD), public.slug)


def test_a_redirect_to_an_article_that_no_longer_exists_answers_404(client, public):
    redirect(OLD, public)
    public.delete()
    assert_unknown(client.get(OLD))


def test_percent_encoded_old_paths_redirect(client, public):
    redirect("/caf%C3%A9/", public)
    assert_redirects_to(client.get("/caf%C3%A9/"), public)
    assert_redirects_to(client.get("/café/"), public)


def test_a_redirect_to_a_draft_with_a_non_ascii_slug_answers_404(client, make_article):
    draft = make_article(title="日本の旅", slug="日本の旅", status=Article.Status.DRAFT)
    redirect("/2024/01/%E6%97%A5%E6%9C%AC/", draft)
    assert draft.get_absolute_url().startswith("/articles/%E6")
    assert_unknown(client.get("/2024/01/%E6%97%A5%E6%9C%AC/"))
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert_redirects_to(client.get("/2024/01/%E6%97%A5%E6%9C%AC/"), draft)


def test_missing_trailing_slash_and_extra_query_still_find_the_old_path(client, public, draft):
    redirect(OLD, public)
    redirect("/old-draft/", draft)
    assert_redirects_to(client.get(OLD.rstrip("/")), public)
    assert_redirects_to(client.get(OLD + "?utm_source=newsletter"), public)
    assert_redirects_to(client.get(OLD.rstrip("/") + "?utm_source=newsletter"), public)
    assert_unknown(client.get("/old-draft"))
    assert_unknown(client.get("/old-draft/?utm_source=newsletter"))


def test_an_exact_match_with_its_query_wins_over_the_bare_path(client, public, make_article):
    other = make_article(title="Other", slug="other")
    redirect("/old/", public)
    redirect("/old/?lang=en", other)
    assert_redirects_to(client.get("/old/?lang=en"), other)
    assert_redirects_to(client.get("/old/?lang=fr"), public)


@pytest.mark.parametrize("target", ["/topics/", "https://elsewhere.example/articles/secret-draft/", "/no-such-page/"])
def test_redirects_to_anything_but_an_article_behave_as_before(client, draft, target):
    redirect(OLD, target)
    response = client.get(OLD)
    assert response.status_code == 301 and response["Location"] == target


def test_an_empty_new_path_answers_410_gone(client):
    redirect(OLD, "")
    assert client.get(OLD).status_code == 410


def test_an_absolute_address_of_a_draft_on_this_site_answers_404(client, draft):
    redirect(OLD, f"http://testserver{draft.get_absolute_url()}")
    assert_unknown(client.get(OLD), draft.slug)


def test_redirects_of_another_site_are_ignored(client, public):
    from django.contrib.sites.models import Site

    other = Site.objects.create(domain="other.example", name="Other")
    Redirect.objects.create(site=other, old_path=OLD, new_path=public.get_absolute_url())
    assert_unknown(client.get(OLD))


# /?p=123 and /?page_id=2: old WordPress addresses that reach the home page


def test_wordpress_query_addresses_redirect_to_a_public_article(client, public):
    redirect("/?p=123", public)
    redirect("/?page_id=2", public)
    assert_redirects_to(client.get("/?p=123"), public)
    assert_redirects_to(client.get("/", {"page_id": "2"}), public)
    assert_redirects_to(client.get("/?p=123&utm_source=feed"), public)


def test_wordpress_query_address_of_a_draft_answers_404_like_an_unknown_one(client, draft):
    redirect("/?p=16", draft)
    assert_unknown(client.get("/?p=16"), draft.slug, draft.title)
    assert_unknown(client.get("/?p=999"))


def test_wordpress_query_address_of_a_scheduled_article_waits_for_its_time(client, scheduled):
    redirect("/?p=15", scheduled)
    assert_unknown(client.get("/?p=15"), scheduled.slug, scheduled.title)

    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(minutes=1))

    assert_redirects_to(client.get("/?p=15"), scheduled)


def test_wordpress_query_address_of_an_unpublished_article_answers_404(client, public):
    redirect("/?p=7", public)
    assert client.get("/?p=7").status_code == 301
    Article.objects.filter(pk=public.pk).update(status=Article.Status.DRAFT)
    assert_unknown(client.get("/?p=7"), public.slug)


def test_wordpress_query_address_to_a_gone_page_answers_410(client):
    redirect("/?p=8", "")
    assert client.get("/?p=8").status_code == 410


def test_the_home_page_with_other_queries_is_still_the_home_page(client, public):
    redirect("/?p=123", public)
    for url in ["/", "/?page=1", "/?p=", "/?utm_source=feed"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Public piece" in response.content.decode()


# Cost


def queries_for(client, url) -> list[str]:
    page_cache.clear()  # the view's own queries, not a stored page's
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("url", ["/", "/?page=1", "/articles/public-piece/", "/topics/"])
def test_ordinary_pages_make_no_redirect_query(client, settings, public, url):
    redirect(OLD, public)
    with_middleware = queries_for(client, url)
    assert not [sql for sql in with_middleware if "django_redirect" in sql]
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "articles.redirects.PublicRedirectMiddleware"
    ]
    assert len(queries_for(client, url)) == len(with_middleware)


def test_an_old_address_costs_one_lookup_and_one_check(client, public, django_assert_num_queries):
    redirect(OLD, public)
    with django_assert_num_queries(2):
        assert client.get(OLD).status_code == 301


# The decision itself


def test_leads_to_hidden_article(public, draft, scheduled):
    host = "testserver"
    assert not leads_to_hidden_article(public.get_absolute_url(), host)
    assert leads_to_hidden_article(draft.get_absolute_url(), host)
    assert leads_to_hidden_article(scheduled.get_absolute_url(), host)
    assert leads_to_hidden_article("/articles/secret-draft", host)  # APPEND_SLASH would take it there
    assert leads_to_hidden_article("http://TESTSERVER/articles/secret-draft/", host)
    assert not leads_to_hidden_article("https://elsewhere.example/articles/secret-draft/", host)
    assert not leads_to_hidden_article("/topics/", host)
    assert not leads_to_hidden_article("/nowhere/", host)
