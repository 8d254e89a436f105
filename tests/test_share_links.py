"""Share a draft: a signed, expiring link that shows one unpublished article to someone without an
account, marked as a preview, noindex and uncached; it stops at expiry, on revoke, and on publishing."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles import share
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_editor(client, group_editor):
    client.force_login(group_editor)
    return client


def _share(client, article) -> str:
    response = client.post(reverse("admin:articles_article_share", args=[article.pk]), follow=True)
    message = " ".join(str(m) for m in response.context["messages"])
    return re.search(r'href="http://testserver(/preview/[^"]+/)"', message)[1]


def test_an_editor_shares_a_draft_with_someone_without_an_account(as_editor, client, make_article, django_user_model):
    article = make_article(title="Work in progress", status=Article.Status.DRAFT)
    page = as_editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Share preview link" in page
    link = _share(as_editor, article)
    as_editor.logout()
    response = client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Work in progress" in html and "<strong>Preview:</strong>" in html
    assert (
        '<meta name="robots" content="noindex, nofollow">' in html and response["X-Robots-Tag"] == "noindex, nofollow"
    )
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Edit this article" not in html
    assert client.get(article.get_absolute_url()).status_code == 404  # the real address stays private


def test_a_scheduled_article_can_be_shared(as_editor, client, make_article):
    article = make_article(published_at=timezone.now() + timedelta(days=2))
    link = _share(as_editor, article)
    as_editor.logout()
    assert "scheduled for" in client.get(link).content.decode()


def test_a_link_stops_working_at_expiry(client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    link, expires = share.share_link(article, now=timezone.now() - share.LINK_LIFETIME - timedelta(seconds=1))
    assert expires < timezone.now()
    response = client.get(link)
    assert response.status_code == 404 and "does not work any more" in response.content.decode()
    fresh, _ = share.share_link(article)
    assert client.get(fresh).status_code == 200


def test_revoking_ends_every_link_given_out(as_editor, client, make_article):
    article = make_article(status=Article.Status.REVIEW)
    first, second = _share(as_editor, article), _share(as_editor, article)
    as_editor.post(reverse("admin:articles_article_share_revoke", args=[article.pk]))
    for link in (first, second):
        assert client.get(link).status_code == 404
    assert client.get(_share(as_editor, article)).status_code == 200  # a new link works


def test_once_published_a_link_redirects_to_the_public_page(client, make_article):
    article = make_article(status=Article.Status.DRAFT, slug="soon-public")
    link, _ = share.share_link(article)
    article.publish()
    article.save()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/articles/soon-public/"


def test_a_link_to_an_article_in_the_trash_shows_nothing(client, make_article):
    article = make_article(status=Article.Status.DRAFT)
    link, _ = share.share_link(article)
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("token", ["nonsense", "eyJhIjoxfQ:1abc:forged"])
def test_a_forged_or_damaged_link_shows_nothing(client, make_article, token):
    make_article(status=Article.Status.DRAFT)
    assert client.get(reverse("articles:shared_preview", kwargs={"token": token})).status_code == 404


def test_a_token_for_one_article_never_shows_another(client, make_article):
    shared = make_article(title="Shared", status=Article.Status.DRAFT)
    make_article(title="Secret", status=Article.Status.DRAFT)
    link, _ = share.share_link(shared)
    assert "Secret" not in client.get(link).content.decode()


def test_sharing_and_revoking_need_the_change_permission_and_a_post(
    client, django_user_model, make_article, database_state
):
    article = make_article(status=Article.Status.DRAFT)
    share.share_link(article)
    before = database_state()
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(viewer)
    for name in ("admin:articles_article_share", "admin:articles_article_share_revoke"):
        assert client.post(reverse(name, args=[article.pk])).status_code == 403
    assert database_state() == before


def test_a_public_article_offers_no_share_link(as_editor, make_article):
    article = make_article()
    page = as_editor.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Share preview link" not in page


def test_when_a_scheduled_time_comes_the_link_redirects_with_no_job_run(client, make_article, monkeypatch):
    publication = timezone.now().replace(microsecond=0) + timedelta(hours=3)
    article = make_article(slug="at-nine", published_at=publication)
    link, _ = share.share_link(article)
    assert client.get(link).status_code == 200
    assert client.get("/articles/at-nine/").status_code == 404
    later = publication + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # time moves; nothing is saved or run
    assert client.get(link)["Location"] == "/articles/at-nine/"
    assert client.get("/articles/at-nine/").status_code == 200
