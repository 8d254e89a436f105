"""Deleting an article in the admin puts it in the trash: it leaves every public surface at once,
its address answers 410 Gone, Publishers list and restore it, and empty_trash deletes for good."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, DeletedImport, Tag, Topic

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
TRASH = reverse("admin:articles_trashedarticle_changelist")


@pytest.fixture
def as_publisher(client, publisher):
    client.force_login(publisher)
    return client


def test_deleting_in_the_admin_moves_the_article_to_the_trash(as_publisher, make_article, publisher):
    article = make_article(title="Old news")
    response = as_publisher.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}, follow=True
    )
    assert "“Old news” is in the trash" in response.content.decode()
    article.refresh_from_db()
    assert article.trashed_at is not None and article.trashed_by == publisher
    assert article not in as_publisher.get(CHANGELIST).context["cl"].result_list


def test_the_bulk_delete_action_moves_to_the_trash_too(as_publisher, make_article):
    kept = make_article(title="Kept")
    doomed = [make_article(title=f"Doomed {n}") for n in range(2)]
    response = as_publisher.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [a.pk for a in doomed]}, follow=True
    )
    assert "Moved 2 article(s) to the trash" in response.content.decode()
    assert sorted(Article.objects.trashed().values_list("title", flat=True)) == ["Doomed 0", "Doomed 1"]
    assert list(Article.objects.published()) == [kept]


def test_a_trashed_article_leaves_every_public_surface_at_once(client, make_article):
    topic, tag = Topic.objects.create(name="Grief"), Tag.objects.create(name="Loss")
    article = make_article(title="Trashed piece", topic=topic, tags=[tag])
    assert client.get(topic.get_absolute_url()).status_code == 200
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    assert "Trashed piece" not in client.get("/").content.decode()
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(tag.get_absolute_url()).status_code == 404
    assert "Grief" not in client.get(reverse("articles:topics")).content.decode()
    assert not Article.objects.published().exists() and not Article.objects.scheduled().exists()
    assert not Article.objects.drafts().exists()


def test_a_trashed_public_article_answers_410_gone_with_a_plain_page(client, admin_client, make_article):
    article = make_article(slug="was-here")
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    for who in (client, admin_client):  # staff too: the trash is not a preview
        response = who.get("/articles/was-here/")
        assert response.status_code == 410
        assert "This page has been removed" in response.content.decode()
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_a_trashed_draft_stays_unknown_to_the_public(client, make_article):
    article = make_article(slug="never-public", status=Article.Status.DRAFT)
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    assert client.get("/articles/never-public/").status_code == 404


def test_publishers_list_and_restore_the_trash(as_publisher, make_article):
    article = make_article(title="Back again", slug="back-again")
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    listed = as_publisher.get(TRASH).context["cl"].result_list
    assert [a.title for a in listed] == ["Back again"]
    response = as_publisher.post(TRASH, {"action": "restore", "_selected_action": [article.pk]}, follow=True)
    assert "Restored 1 article(s)" in response.content.decode()
    assert as_publisher.get("/articles/back-again/").status_code == 200
    assert list(Article.objects.published()) == [Article.objects.get(pk=article.pk)]


def test_empty_trash_deletes_for_good_only_what_is_old_enough(make_article):
    old = make_article(title="Long gone")
    recent = make_article(title="Just deleted")
    live = make_article(title="Live")
    Article.objects.filter(pk=old.pk).update(trashed_at=timezone.now() - timedelta(days=31))
    Article.objects.filter(pk=recent.pk).update(trashed_at=timezone.now() - timedelta(days=2))
    out = StringIO()
    call_command("empty_trash", "--older-than", "30", stdout=out)
    assert "deleted for good: Long gone" in out.getvalue() and "1 article(s) deleted" in out.getvalue()
    assert set(Article.objects.values_list("title", flat=True)) == {"Just deleted", "Live"}
    assert Article.objects.get(pk=live.pk).trashed_at is None


def test_empty_trash_refuses_a_negative_age():
    with pytest.raises(CommandError, match="argument --older-than: give a number of days"):
        call_command("empty_trash", "--older-than", "-1")


def test_a_trashed_imported_article_is_skipped_by_the_next_import(run_import, write, as_publisher):
    path = write("page.md", "---\ntitle: Imported\n---\nBody.\n")
    run_import(path)
    article = Article.objects.get()
    as_publisher.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    write("page.md", "---\ntitle: Imported, changed at the source\n---\nBody.\n")
    result = run_import(path)
    assert "deleted here" in result.out
    article.refresh_from_db()
    assert article.trashed_at is not None and article.title == "Imported"


def test_the_delete_page_says_the_article_goes_to_the_trash(as_publisher, make_article):
    article = make_article(title="Unsure")
    html = as_publisher.get(reverse("admin:articles_article_delete", args=[article.pk])).content.decode()
    assert "Move “Unsure” to the trash?" in html and 'value="Move to the trash"' in html
    assert "related items will be deleted" not in html


def test_an_export_leaves_the_trash_out(make_article, tmp_path):
    make_article(title="Kept", slug="kept")
    gone = make_article(title="Deleted", slug="deleted")
    Article.objects.filter(pk=gone.pk).update(trashed_at=timezone.now())
    call_command("export_articles", str(tmp_path), stdout=StringIO())
    assert sorted(path.name for path in tmp_path.glob("*.md")) == ["kept.md"]


def test_deleting_for_good_from_the_trash_admin_remembers_a_deleted_import(as_publisher, run_import, write):
    run_import(write("page.md", "---\ntitle: Imported\n---\nBody.\n"))
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    response = as_publisher.post(TRASH, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert list(DeletedImport.objects.values_list("title", flat=True)) == ["Imported"]


def test_an_edit_saved_after_the_article_went_to_the_trash_is_kept_in_it(
    group_editor, as_publisher, make_article, open_form
):
    article = make_article(title="Being edited", body="Before.")
    client = Client()
    client.force_login(group_editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = open_form(client, url)
    as_publisher.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    form["body"] = ["An hour of work."]
    response = client.post(url, form, follow=True)
    assert "was moved to the trash while you were editing it" in response.content.decode()
    article.refresh_from_db()
    assert article.trashed_at is not None and article.body == "An hour of work."
    assert article.revisions.first().content["body"] == "An hour of work."
