"""Revisions: recorded by every path (admin save, list action, restore, import), listed on the
History page, each shown rendered, any two compared (word-level for the body), restorable through
the change form and its checks, and pruned without losing the newest or the live one."""

from datetime import datetime, timedelta
from io import BytesIO, StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles import revisions, workflow
from articles.models import Article, Revision, Tag, Topic
from articles.revisions import word_diff
from images.library import add_image

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article, a, b):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={a.pk}&b={b.pk}"


@pytest.fixture
def as_publisher(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def as_editor(client, group_editor):
    client.force_login(group_editor)
    return client


# -- recording -------------------------------------------------------------------------------------


def test_an_admin_save_records_who_when_and_the_full_content(as_publisher, browser_post, make_article, publisher):
    topic = Topic.objects.create(name="Anxiety")
    tag = Tag.objects.create(name="Sleep")
    article = make_article(title="First", body="One two.")
    before = timezone.now().replace(microsecond=0)
    changes = {"title": "Second", "summary": "Short.", "topic": str(topic.pk), "tags": [str(tag.pk)],
               "meta_description": "For search.", "canonical_url": "https://example.org/x"}  # fmt: skip
    assert browser_post(as_publisher, change_url(article), changes).status_code == 302
    revision = article.revisions.get()
    assert revision.user == publisher and revision.source == Revision.Source.ADMIN
    assert revision.created_at >= before
    content = revision.content
    article.refresh_from_db()
    assert content["title"] == "Second" and content["slug"] == article.slug and content["summary"] == "Short."
    assert content["body"] == "One two." and content["status"] == "published"
    assert datetime.fromisoformat(content["published_at"]) == article.published_at
    assert datetime.fromisoformat(content["updated_at"]) == article.updated_at
    assert content["topic"] == {"id": topic.pk, "name": "Anxiety"}
    assert content["tags"] == [{"id": tag.pk, "name": "Sleep"}]
    assert content["meta_description"] == "For search." and content["canonical_url"] == "https://example.org/x"


def test_saving_without_a_change_records_no_second_revision(as_publisher, browser_post, make_article):
    article = make_article()
    browser_post(as_publisher, change_url(article), {"body": "Changed."})
    browser_post(as_publisher, change_url(article))
    assert article.revisions.count() == 1


def test_an_import_that_changes_an_article_records_a_revision(run_import, write):
    path = write("page.md", "---\ntitle: Imported\n---\nFirst body.\n")
    run_import(path)
    article = Article.objects.get()
    assert list(article.revisions.values_list("source", "user")) == [(Revision.Source.IMPORT, None)]
    run_import(path)  # unchanged: nothing recorded
    assert article.revisions.count() == 1
    write("page.md", "---\ntitle: Imported\n---\nSecond body.\n")
    run_import(path)
    assert [r.content["body"] for r in article.revisions.all()] == ["Second body.", "First body."]


def test_the_publish_action_records_a_revision(as_publisher, make_article, publisher):
    article = make_article(status=Article.Status.REVIEW)
    as_publisher.post(
        reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [article.pk]}
    )
    revision = article.revisions.get()
    assert (revision.source, revision.user, revision.content["status"]) == ("action", publisher, "published")


# -- history, one revision, comparison ----------------------------------------------------------------


def _two_revisions(client, browser_post, article, **second):
    browser_post(client, change_url(article), {"body": "The quick brown fox jumps.\r\n\r\nSecond paragraph."})
    browser_post(client, change_url(article), second)
    return list(article.revisions.order_by("pk"))


def test_the_history_page_lists_every_revision_with_its_own_page(as_publisher, browser_post, make_article):
    article = make_article(title="Original")
    old, new = _two_revisions(as_publisher, browser_post, article, title="Renamed")
    page = BeautifulSoup(as_publisher.get(history_url(article)).content, "lxml")
    links = [a["href"] for a in page.select(".revision-list a")]
    assert links == [reverse("admin:articles_article_revision", args=[article.pk, r.pk]) for r in (new, old)]
    rows = [row.get_text(" ", strip=True) for row in page.select(".revision-list tbody tr")]
    assert "(current)" in rows[0] and rows[0].endswith("Renamed") and rows[1].endswith("Original")
    assert "(current)" not in rows[1]
    shown = as_publisher.get(links[1]).content.decode()
    assert "<p>The quick brown fox jumps.</p>" in shown  # rendered, as readers would see it
    assert "Original" in shown and "Restore this revision" in shown


def test_two_revisions_compare_word_by_word(as_publisher, browser_post, make_article):
    article = make_article(title="Original")
    old, new = _two_revisions(
        as_publisher, browser_post, article, title="Renamed", body="The quick red fox jumps.\r\n\r\nSecond paragraph."
    )
    page = BeautifulSoup(as_publisher.get(compare_url(article, new, old)).content, "lxml")  # either order
    body = page.select_one(".word-diff")
    assert [d.get_text() for d in body.select("del")] == ["brown"]
    assert [i.get_text() for i in body.select("ins")] == ["red"]
    assert "The quick" in body.get_text() and "Second paragraph." in body.get_text()
    sections = {s.h2.get_text(): s for s in page.select(".revision-change")}
    assert set(sections) == {"Title", "Body"}
    assert sections["Title"].select_one("del").get_text() == "Original"
    assert sections["Title"].select_one("ins").get_text() == "Renamed"


def test_comparing_needs_two_revisions_of_the_same_article(as_publisher, browser_post, make_article):
    article = make_article()
    other = make_article(title="Other")
    (own,) = _two_revisions(as_publisher, browser_post, article)[:1]
    (foreign,) = _two_revisions(as_publisher, browser_post, other)[:1]
    response = as_publisher.get(compare_url(article, own, foreign), follow=True)
    assert "Choose two different revisions" in response.content.decode()
    assert (
        as_publisher.get(reverse("admin:articles_article_revision", args=[article.pk, foreign.pk])).status_code == 404
    )


def test_word_diff_keeps_every_word_of_both_versions():
    old, new = "a b c\nunchanged line\nx y", "a B c\nunchanged line\nx y z"
    segments = word_diff(old, new)
    assert "".join(t for op, t in segments if op != "insert") == old
    assert "".join(t for op, t in segments if op != "delete") == new
    assert ("delete", "b") in segments and ("insert", "B") in segments


# -- restore ------------------------------------------------------------------------------------------


def test_restore_loads_a_revision_into_the_form_and_saving_records_a_new_one(
    as_publisher, browser_post, open_form, make_article
):
    tag = Tag.objects.create(name="Kept")
    article = make_article(title="Original", tags=[tag])
    old, _ = _two_revisions(as_publisher, browser_post, article, title="Renamed", tags=[])
    url = change_url(article) + f"?restore={old.pk}"
    response = as_publisher.get(url)
    assert "Save to restore it" in response.content.decode()
    form = open_form(as_publisher, url)
    assert form["title"] == ["Original"] and form["tags"] == [str(tag.pk)] and form["restored_from"] == [str(old.pk)]
    article.refresh_from_db()
    assert article.title == "Renamed"  # opening a revision changes nothing
    assert as_publisher.post(url, form).status_code == 302
    article.refresh_from_db()
    assert article.title == "Original" and list(article.tags.all()) == [tag]
    restored = article.revisions.first()
    assert restored.source == Revision.Source.RESTORE and restored.restored_from == old
    assert article.revisions.count() == 3


def test_restore_goes_through_the_editors_permission_checks(as_editor, open_form, make_article, database_state):
    article = make_article(status=Article.Status.DRAFT, title="Draft")
    # An earlier published version of this article (a Publisher unpublished it since).
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() - timedelta(days=1)
    article.save()
    published = workflow.after_save(article, source=Revision.Source.ADMIN)
    article.status, article.published_at = Article.Status.DRAFT, None
    article.save()
    workflow.after_save(article, source=Revision.Source.ACTION)
    before = database_state()
    url = change_url(article) + f"?restore={published.pk}"
    response = as_editor.post(url, open_form(as_editor, url))
    assert response.status_code == 200
    # The form offers an Editor no "Published", so the browser posts "Draft" with the revision's date.
    refused = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Only a Publisher can set or change the publication date" in refused
    assert database_state() == before


def test_restoring_says_which_deleted_topics_and_tags_cannot_come_back(as_publisher, browser_post, make_article):
    topic = Topic.objects.create(name="Retired")
    article = make_article(topic=topic)
    (old,) = _two_revisions(as_publisher, browser_post, article)[:1]
    topic.delete()
    page = as_publisher.get(change_url(article) + f"?restore={old.pk}").content.decode()
    assert "Deleted since, so not restored: topic “Retired”" in page


# -- pruning ------------------------------------------------------------------------------------------


def _revisions_at(article, ages_in_days: list[int]) -> list[Revision]:
    """Revisions of `article` with the given ages, oldest first, the body changing each time."""
    made = []
    for n, age in enumerate(ages_in_days):
        article.body = f"Version {n}."
        article.save()
        revision = workflow.after_save(article, source=Revision.Source.ADMIN)
        Revision.objects.filter(pk=revision.pk).update(created_at=timezone.now() - timedelta(days=age))
        made.append(revision)
    return made


def test_prune_keeps_the_newest_n_and_everything_recent(make_article):
    article = make_article()
    revisions = _revisions_at(article, [100, 90, 80, 5, 1])
    out = StringIO()
    call_command("prune_revisions", "--keep", "1", "--older-than", "30", stdout=out)
    assert "3 revision(s) deleted." in out.getvalue()
    assert set(article.revisions.values_list("pk", flat=True)) == {revisions[3].pk, revisions[4].pk}


def test_prune_never_deletes_the_newest_or_the_live_revision(make_article):
    article = make_article()
    revisions = _revisions_at(article, [100, 90, 80])
    # What is live now matches the oldest revision (restored outside the admin, e.g. by a database fix).
    Article.objects.filter(pk=article.pk).update(body="Version 0.")
    call_command("prune_revisions", "--keep", "0", "--older-than", "1", stdout=StringIO())
    assert set(article.revisions.values_list("pk", flat=True)) == {revisions[0].pk, revisions[2].pk}


def test_prune_refuses_negative_numbers():
    with pytest.raises(CommandError, match="argument --keep: give a number, 0 or more"):
        call_command("prune_revisions", "--keep", "-1", "--older-than", "3")


def test_a_rewrite_too_large_to_match_word_by_word_is_shown_removed_and_added_whole(monkeypatch):
    monkeypatch.setattr(revisions, "WORD_DIFF_BUDGET", 10)
    old, new = "same start\none two three four\nsame end", "same start\nuno dos tres cuatro\nsame end"
    segments = word_diff(old, new)
    assert segments == [
        ("equal", "same start\n"),
        ("delete", "one two three four\n"),
        ("insert", "uno dos tres cuatro\n"),
        ("equal", "same end"),
    ]


def test_the_history_page_costs_the_same_queries_for_many_revisions(as_publisher, make_article):
    article = make_article()

    def count_for(revision_count):
        for n in range(revision_count):
            article.body = f"Version {n} of {revision_count}."
            article.save()
            workflow.after_save(article, source=Revision.Source.ADMIN)
        with CaptureQueriesContext(connection) as queries:
            assert as_publisher.get(history_url(article)).status_code == 200
        return len(queries)

    count_for(1)  # the first request of a session reads more
    assert count_for(2) == count_for(40)


def test_a_revision_keeps_the_featured_image_and_restore_brings_it_back(
    as_publisher, browser_post, open_form, make_article
):
    image, _ = add_image(ContentFile(png_bytes(), name="office.png"), alt_text="The waiting room")
    article = make_article(title="Pictured", featured_image=image)
    old, new = _two_revisions(as_publisher, browser_post, article, featured_image="")
    assert old.content["featured_image"] == {"id": image.pk, "name": "The waiting room"}
    assert new.content["featured_image"] is None
    page = as_publisher.get(compare_url(article, old, new)).content.decode()
    assert "Featured image" in page and "The waiting room" in page
    url = change_url(article) + f"?restore={old.pk}"
    form = open_form(as_publisher, url)
    assert form["featured_image"] == [str(image.pk)]
    assert as_publisher.post(url, form).status_code == 302
    article.refresh_from_db()
    assert article.featured_image == image


def test_the_groups_hold_the_media_library_and_site_settings_permissions(db):
    from django.contrib.auth.models import Group

    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"add_image", "change_image", "view_image"} <= codenames("Editors")
    assert not {"delete_image", "change_sitesettings"} & codenames("Editors")
    assert {"add_image", "delete_image", "change_sitesettings"} <= codenames("Publishers")


def png_bytes() -> bytes:
    buffer = BytesIO()
    PILImage.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()
