"""Editors and Publishers: what each may do in the admin, enforced on the server on every path
(add and change forms, list actions, direct POSTs). Every refused path changes nothing."""

import io
from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, Revision

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def errors(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def local_parts(moment) -> dict:
    local = timezone.localtime(moment)
    return {"published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M:%S")}


@pytest.fixture
def as_editor(client, group_editor):
    client.force_login(group_editor)
    return client


@pytest.fixture
def as_publisher(client, publisher):
    client.force_login(publisher)
    return client


# -- the groups ------------------------------------------------------------------------------------


def test_the_migration_creates_editors_and_publishers_with_their_permissions():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    editors, publishers = codenames("Editors"), codenames("Publishers")
    assert {"add_article", "change_article", "view_article"} <= editors
    assert not {"publish_article", "delete_article"} & editors
    assert editors < publishers
    assert {"publish_article", "delete_article", "change_redirect", "add_redirect"} <= publishers


# -- Editors: what they may do ----------------------------------------------------------------------


def test_an_editor_writes_a_draft_and_marks_it_ready_for_review(as_editor, browser_post, group_editor):
    response = browser_post(as_editor, ADD_URL, {"title": "New piece", "body": "Words.", "status": "draft"})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.author == group_editor
    assert browser_post(as_editor, change_url(article), {"status": "review"}).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.state == "Ready for review"
    assert not Article.objects.published().exists()


def test_an_editor_is_offered_ready_for_review_not_published(as_editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    for url in (ADD_URL, change_url(draft)):
        page = BeautifulSoup(as_editor.get(url).content, "lxml")
        assert [o["value"] for o in page.select("select[name=status] option")] == ["draft", "review"]


def test_a_publisher_is_offered_every_state(as_publisher):
    page = BeautifulSoup(as_publisher.get(ADD_URL).content, "lxml")
    assert [o["value"] for o in page.select("select[name=status] option")] == ["draft", "review", "published"]


def test_an_editor_edits_the_text_of_a_published_article(as_editor, browser_post, make_article):
    article = make_article(title="Live", body="Old text.")
    response = browser_post(as_editor, change_url(article), {"body": "New text."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "New text." and article.is_public


def test_an_editor_sees_drafts_at_their_real_address(as_editor, make_article):
    draft = make_article(status=Article.Status.REVIEW)
    assert as_editor.get(draft.get_absolute_url()).status_code == 200


# -- Editors: what is refused, with a message and nothing changed -------------------------------------


def test_an_editor_cannot_publish_a_new_article(as_editor, browser_post, database_state):
    before = database_state()
    response = browser_post(as_editor, ADD_URL, {"title": "Sneaky", "body": "x", "status": "published"})
    assert response.status_code == 200
    assert "Only a Publisher can publish" in errors(response)
    assert response.context["adminform"].form["title"].value() == "Sneaky"  # what they typed is kept
    assert database_state() == before


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW])
def test_an_editor_cannot_publish_a_draft(as_editor, browser_post, make_article, database_state, status):
    article = make_article(status=status)
    before = database_state()
    response = browser_post(as_editor, change_url(article), {"status": "published", "body": "Edited."})
    assert "Only a Publisher can publish" in errors(response)
    assert database_state() == before


def test_an_editor_cannot_schedule_or_move_a_publication_date(as_editor, browser_post, make_article, database_state):
    draft = make_article(status=Article.Status.DRAFT)
    live = make_article(title="Live", slug="live")
    before = database_state()
    later = timezone.now() + timedelta(days=3)
    for article in (draft, live):
        response = browser_post(as_editor, change_url(article), local_parts(later))
        assert "Only a Publisher can set or change the publication date" in errors(response)
    assert database_state() == before


def test_an_editor_cannot_unpublish(as_editor, browser_post, make_article, database_state):
    article = make_article()
    before = database_state()
    for status in ("draft", "review"):
        response = browser_post(as_editor, change_url(article), {"status": status})
        assert "Only a Publisher can unpublish" in errors(response)
    assert database_state() == before


def test_an_editor_cannot_change_the_slug_of_a_public_article(as_editor, browser_post, make_article, database_state):
    article = make_article(slug="known-address")
    before = database_state()
    for slug in ("new-address", ""):  # blank would make a new one from the title
        response = browser_post(as_editor, change_url(article), {"slug": slug, "title": "Another title"})
        assert "Only a Publisher can change the address" in errors(response)
    assert database_state() == before


def test_an_editor_may_change_the_slug_of_a_draft(as_editor, browser_post, make_article):
    article = make_article(status=Article.Status.DRAFT, slug="first-idea")
    assert browser_post(as_editor, change_url(article), {"slug": "better-idea"}).status_code == 302
    article.refresh_from_db()
    assert article.slug == "better-idea"


@pytest.mark.parametrize("action", ["publish", "unpublish", "delete_selected"])
def test_an_editor_cannot_use_the_publishing_list_actions(as_editor, make_article, database_state, action):
    draft = make_article(status=Article.Status.REVIEW)
    live = make_article(title="Live")
    before = database_state()
    response = as_editor.post(
        CHANGELIST, {"action": action, "_selected_action": [draft.pk, live.pk], "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert database_state() == before
    page = as_editor.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in page and 'value="unpublish"' not in page and 'value="delete_selected"' not in page


def test_an_editor_cannot_delete_by_a_direct_post(as_editor, make_article, database_state):
    article = make_article()
    before = database_state()
    response = as_editor.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert database_state() == before


def test_an_editor_cannot_see_or_empty_the_trash(as_editor, make_article, database_state):
    article = make_article(trashed_at=timezone.now())
    before = database_state()
    assert as_editor.get(reverse("admin:articles_trashedarticle_changelist")).status_code == 403
    response = as_editor.post(
        reverse("admin:articles_trashedarticle_changelist"),
        {"action": "restore", "_selected_action": [article.pk]},
    )
    assert response.status_code == 403
    assert database_state() == before


# -- Publishers --------------------------------------------------------------------------------------


def test_a_publisher_publishes_schedules_and_unpublishes(as_publisher, browser_post, make_article):
    article = make_article(status=Article.Status.REVIEW)
    assert browser_post(as_publisher, change_url(article), {"status": "published"}).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    later = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    assert browser_post(as_publisher, change_url(article), local_parts(later)).status_code == 302
    article.refresh_from_db()
    assert article.state == "Scheduled" and article.published_at == later
    as_publisher.post(CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert list(article.revisions.values_list("source", flat=True)[:1]) == [Revision.Source.ACTION]


def test_a_publisher_publishes_from_the_list(as_publisher, make_article):
    article = make_article(status=Article.Status.REVIEW)
    as_publisher.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.is_public


def test_publishers_filter_the_list_by_ready_for_review(as_publisher, make_article):
    make_article(title="Waiting", status=Article.Status.REVIEW)
    make_article(title="Unfinished", status=Article.Status.DRAFT)
    make_article(title="Out")
    response = as_publisher.get(CHANGELIST, {"state": "review"})
    assert [a.title for a in response.context["cl"].result_list] == ["Waiting"]
    assert "Ready for review" in response.content.decode()


def test_an_editor_uploads_images_in_the_editor(as_editor):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, "PNG")
    image = SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")
    response = as_editor.post("/markdownx/upload/", {"image": image}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200 and response.json()["image_code"].startswith("![Describe the image](image:")


def test_a_ready_for_review_article_survives_an_export_and_import(make_article, tmp_path, run_import):
    make_article(title="Waiting", slug="waiting", status=Article.Status.REVIEW)
    call_command("export_articles", str(tmp_path), stdout=StringIO())
    Article.objects.all().delete()
    assert run_import(tmp_path / "waiting.md").code == 0
    assert Article.objects.get().status == Article.Status.REVIEW
