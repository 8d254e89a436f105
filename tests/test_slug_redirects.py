"""URLs that never break: changing the slug of a published article (in the admin or by a re-import)
redirects the old address (301) to the new one, with no chain and no loop."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.redirects.models import Redirect
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def redirects() -> dict[str, str]:
    return dict(Redirect.objects.values_list("old_path", "new_path"))


@pytest.fixture
def as_publisher(client, publisher):
    client.force_login(publisher)
    return client


def rename(client, browser_post, article, slug):
    response = browser_post(client, change_url(article), {"slug": slug})
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_new_slug_redirects_the_old_address(as_publisher, browser_post, client, make_article):
    article = make_article(slug="first")
    rename(as_publisher, browser_post, article, "second")
    assert redirects() == {"/articles/first/": "/articles/second/"}
    as_publisher.logout()
    response = client.get("/articles/first/")
    assert response.status_code == 301 and response["Location"] == "/articles/second/"


def test_changing_it_again_rewrites_earlier_redirects_so_there_is_no_chain(as_publisher, browser_post, make_article):
    article = make_article(slug="a")
    for slug in ("b", "c"):
        rename(as_publisher, browser_post, article, slug)
    assert redirects() == {"/articles/a/": "/articles/c/", "/articles/b/": "/articles/c/"}


def test_going_back_to_an_earlier_slug_makes_no_loop(as_publisher, browser_post, client, make_article):
    article = make_article(slug="a")
    rename(as_publisher, browser_post, article, "b")
    rename(as_publisher, browser_post, article, "a")
    assert redirects() == {"/articles/b/": "/articles/a/"}
    as_publisher.logout()
    assert client.get("/articles/a/").status_code == 200
    assert client.get("/articles/b/", follow=True).redirect_chain == [("/articles/a/", 301)]


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_a_slug_that_was_never_public_gets_no_redirect(as_publisher, browser_post, make_article, status):
    article = make_article(slug="working-title", status=status)
    rename(as_publisher, browser_post, article, "final-title")
    assert redirects() == {}


def test_an_article_wins_over_a_redirect_from_its_new_address(as_publisher, browser_post, client, make_article):
    old = make_article(title="Old", slug="old-home")
    rename(as_publisher, browser_post, old, "new-home")  # /articles/old-home/ -> /articles/new-home/
    other = make_article(title="Other", slug="other")
    rename(as_publisher, browser_post, other, "old-home")
    assert redirects() == {"/articles/other/": "/articles/old-home/"}
    as_publisher.logout()
    assert "Other" in client.get("/articles/old-home/").content.decode()


def test_a_reimport_with_a_new_slug_redirects_the_old_address(run_import, write, client):
    path = write("page.md", "---\ntitle: Imported\nslug: before\n---\nBody.\n")
    run_import(path)
    write("page.md", "---\ntitle: Imported\nslug: after\n---\nBody.\n")
    assert run_import(path).code == 0
    assert redirects() == {"/articles/before/": "/articles/after/"}
    assert client.get("/articles/before/")["Location"] == "/articles/after/"


def test_the_change_form_lists_incoming_redirects_and_links_to_them(as_publisher, browser_post, make_article):
    article = make_article(slug="a")
    rename(as_publisher, browser_post, article, "b")
    page = BeautifulSoup(as_publisher.get(change_url(article)).content, "lxml")
    link = page.select_one(".field-incoming_redirects a")
    assert link.get_text() == "/articles/a/"
    redirect = Redirect.objects.get()
    assert link["href"] == reverse("admin:redirects_redirect_change", args=[redirect.pk])
    assert as_publisher.get(link["href"]).status_code == 200  # visible and editable
    response = as_publisher.post(
        link["href"], {"site": redirect.site_id, "old_path": "/articles/a-typo/", "new_path": "/articles/b/"}
    )
    assert response.status_code == 302 and redirects() == {"/articles/a-typo/": "/articles/b/"}


def test_a_slug_public_once_redirects_even_if_renamed_while_unpublished(
    as_publisher, browser_post, client, make_article
):
    article = make_article(slug="original")
    browser_post(as_publisher, change_url(article), {"body": "Public here."})  # a revision while public
    as_publisher.post(
        reverse("admin:articles_article_changelist"), {"action": "unpublish", "_selected_action": [article.pk]}
    )
    rename(as_publisher, browser_post, article, "renamed")
    assert redirects() == {"/articles/original/": "/articles/renamed/"}
    as_publisher.logout()
    assert client.get("/articles/original/").status_code == 404  # waits until the article is public again
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    assert client.get("/articles/original/")["Location"] == "/articles/renamed/"


def test_a_slug_only_ever_scheduled_gets_no_redirect(as_publisher, browser_post, make_article):
    article = make_article(slug="planned", published_at=timezone.now() + timedelta(days=5))
    browser_post(as_publisher, change_url(article), {"body": "Scheduled."})
    rename(as_publisher, browser_post, article, "replanned")
    assert redirects() == {}


def test_an_old_address_of_a_trashed_article_is_gone_like_its_own(as_publisher, browser_post, client, make_article):
    article = make_article(slug="first")
    rename(as_publisher, browser_post, article, "second")
    response = as_publisher.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302
    as_publisher.logout()
    for address in ("/articles/second/", "/articles/first/"):
        response = client.get(address)
        assert response.status_code == 410, address
        assert "This page has been removed" in response.content.decode()
    # Restored, the old address leads to it again.
    Article.objects.filter(pk=article.pk).update(trashed_at=None)
    assert client.get("/articles/first/")["Location"] == "/articles/second/"


def test_an_old_address_of_a_draft_stays_unknown(as_publisher, browser_post, client, make_article):
    article = make_article(slug="first")
    rename(as_publisher, browser_post, article, "second")
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    as_publisher.logout()
    assert client.get("/articles/first/").status_code == 404
