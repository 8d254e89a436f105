"""QA's findings in the editorial workflow, each through what a browser posts: restoring a revision,
autosave's copies after a save, conflicts after a Publisher's change, the trash, the change log,
and the maintenance commands' usage errors."""

from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.contrib.redirects.models import Redirect
from django.core.management import call_command, get_commands, load_command_class
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Revision
from tests.conftest import form_values

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")
TRASH = reverse("admin:articles_trashedarticle_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "lxml")


def messages_of(response) -> str:
    return " ".join(li.get_text(" ", strip=True) for li in page(response).select(".messagelist li"))


def non_field_errors(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


def _saved_versions(client, browser_post, article, *changes) -> list[Revision]:
    for change in changes:
        assert browser_post(client, change_url(article), change).status_code == 302
    return list(article.revisions.order_by("pk"))


# -- 1. after a restore is saved, the form shows what was saved, not the old revision again ---------------


def test_save_and_continue_after_a_restore_shows_the_saved_article_not_the_revision(
    publisher, browser_post, open_form, make_article
):
    client = logged_in(publisher)
    article = make_article(title="Original")
    old, _ = _saved_versions(client, browser_post, article, {"body": "First."}, {"title": "Renamed"})
    url = change_url(article) + f"?restore={old.pk}"
    form = open_form(client, url)
    form["body"] = ["First, restored and corrected."]
    form["_continue"] = ["Save and continue editing"]
    response = client.post(url, form)
    assert response.status_code == 302
    assert "restore=" not in response["Location"]
    shown = client.get(response["Location"])
    values = form_values(shown.content)
    assert values["title"] == ["Original"] and values["body"] == ["First, restored and corrected."]
    assert values["restored_from"] == [""]
    assert "Save to restore it" not in shown.content.decode()
    # A second save changes nothing back: the edits stay.
    assert client.post(response["Location"], values).status_code == 302
    article.refresh_from_db()
    assert article.body == "First, restored and corrected."


# -- 2, 3. the page after a save names the browser copy it came from, and only that one ------------------


def test_the_page_after_a_save_names_only_the_copy_that_save_came_from(group_editor, browser_post, make_article):
    client = logged_in(group_editor)
    article = make_article()
    other = make_article(title="Other")
    key = f"article-autosave:{article.pk}:{group_editor.pk}"
    response = browser_post(client, change_url(article), {"body": "Saved.", "_autosave_key": key, "_continue": "1"})
    shown = page(client.get(response["Location"]))
    assert [d["data-autosave-saved"] for d in shown.select("[data-autosave-saved]")] == [key]
    # Named once: a later page forgets nothing more.
    assert page(client.get(change_url(article))).select("[data-autosave-saved]") == []
    # A key that is not this article's (another article's copy, another user's) is never named.
    for foreign in (f"article-autosave:{other.pk}:{group_editor.pk}", f"article-autosave:{article.pk}:999"):
        browser_post(client, change_url(article), {"body": f"Saved {foreign}.", "_autosave_key": foreign})
        assert page(client.get(CHANGELIST)).select("[data-autosave-saved]") == []


def test_a_new_article_names_the_tabs_own_slot_after_save_and_on_the_list(group_editor, browser_post):
    client = logged_in(group_editor)
    slot = f"article-autosave:new:{group_editor.pk}:tab-one"
    response = browser_post(client, ADD_URL, {"title": "From tab one", "body": "Text.", "_autosave_key": slot})
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    shown = page(client.get(CHANGELIST))
    assert [d["data-autosave-saved"] for d in shown.select("[data-autosave-saved]")] == [slot]


def test_a_refused_save_names_no_copy_to_forget(group_editor, browser_post, make_article, database_state):
    client = logged_in(group_editor)
    article = make_article(status=Article.Status.DRAFT)
    before = database_state()
    key = f"article-autosave:{article.pk}:{group_editor.pk}"
    response = browser_post(client, change_url(article), {"status": "published", "_autosave_key": key})
    assert response.status_code == 200 and database_state() == before
    assert page(response).select("[data-autosave-saved]") == []
    assert page(client.get(CHANGELIST)).select("[data-autosave-saved]") == []


# -- 5. a conflict after a Publisher's change does not lock an Editor out -----------------------------------


def test_an_editor_saves_after_a_publisher_published_the_article_meanwhile(
    group_editor, publisher, make_article, open_form, database_state
):
    article = make_article(title="Draft", status=Article.Status.DRAFT, slug="draft-slug")
    workflow.after_save(article, source=Revision.Source.ADMIN)
    editor = logged_in(group_editor)
    form = open_form(editor, change_url(article))
    published_at = timezone.now() - timedelta(minutes=5)
    publishing = open_form(logged_in(publisher), change_url(article))
    publishing.update(
        status=["published"],
        slug=["public-slug"],
        published_at_0=[timezone.localtime(published_at).strftime("%Y-%m-%d")],
        published_at_1=[timezone.localtime(published_at).strftime("%H:%M:%S")],
    )
    assert logged_in(publisher).post(change_url(article), publishing).status_code == 302
    before = database_state()

    form["body"] = ["An hour of the editor's work."]
    refused = editor.post(change_url(article), form)
    assert refused.status_code == 200 and database_state() == before
    said = non_field_errors(refused)
    assert "Not saved: paul saved this article" in said
    assert "put back to the saved values" in said and "Only a Publisher" not in said
    again = form_values(refused.content)
    assert again["body"] == ["An hour of the editor's work."]
    assert again["status"] == ["published"] and again["slug"] == ["public-slug"]

    assert editor.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert article.body == "An hour of the editor's work."
    assert (article.status, article.slug) == (Article.Status.PUBLISHED, "public-slug")
    assert abs(article.published_at - published_at) < timedelta(seconds=1)


def test_a_conflict_keeps_a_status_the_editor_may_choose(group_editor, publisher, make_article, open_form):
    article = make_article(status=Article.Status.DRAFT)
    workflow.after_save(article, source=Revision.Source.ADMIN)
    editor = logged_in(group_editor)
    form = open_form(editor, change_url(article))
    other = open_form(logged_in(publisher), change_url(article))
    other["title"] = ["Retitled by Paul"]
    logged_in(publisher).post(change_url(article), other)
    form["status"] = ["review"]
    refused = editor.post(change_url(article), form)
    assert refused.status_code == 200
    assert form_values(refused.content)["status"] == ["review"]
    assert "put back" not in non_field_errors(refused)


# -- 6. a restore that takes an article offline or moves it says so; the slug rule still applies ----------


def test_restoring_an_old_draft_of_a_public_article_warns_what_saving_does(publisher, browser_post, make_article):
    client = logged_in(publisher)
    article = make_article(status=Article.Status.DRAFT, slug="first-address")
    draft = _saved_versions(client, browser_post, article, {"body": "Draft text."})[-1]
    published_at = timezone.localtime(timezone.now() - timedelta(hours=2))
    browser_post(
        client,
        change_url(article),
        {"status": "published", "slug": "new-address", "published_at_0": published_at.strftime("%Y-%m-%d"),
         "published_at_1": published_at.strftime("%H:%M:%S")},
    )  # fmt: skip
    said = messages_of(client.get(change_url(article) + f"?restore={draft.pk}"))
    assert "Saving will take this article offline" in said
    old, new = reverse("articles:detail", args=["new-address"]), reverse("articles:detail", args=["first-address"])
    assert f"change its address from {old} to {new}. The old address will lead to the new one." in said
    assert "change its publication date" in said
    # Restoring the current revision warns of nothing.
    latest = article.revisions.first()
    assert "Saving will" not in messages_of(client.get(change_url(article) + f"?restore={latest.pk}"))


def test_saving_a_restore_that_changes_a_public_slug_redirects_the_old_address(
    publisher, browser_post, open_form, make_article
):
    client = logged_in(publisher)
    article = make_article(slug="old-address")
    old = _saved_versions(client, browser_post, article, {"body": "Text."}, {"slug": "new-address"})[0]
    assert old.content["slug"] == "old-address"
    url = change_url(article) + f"?restore={old.pk}"
    assert client.post(url, open_form(client, url)).status_code == 302
    article.refresh_from_db()
    assert article.slug == "old-address"
    new_path = reverse("articles:detail", args=["old-address"])
    old_path = reverse("articles:detail", args=["new-address"])
    assert Redirect.objects.filter(old_path=old_path, new_path=new_path).exists()
    assert not Redirect.objects.filter(old_path=new_path).exists()  # no loop


def test_an_editor_restoring_a_revision_with_another_public_slug_is_refused(
    group_editor, publisher, browser_post, open_form, make_article, database_state
):
    article = make_article(slug="old-address")
    old = _saved_versions(logged_in(publisher), browser_post, article, {"body": "Text."}, {"slug": "new-address"})[0]
    editor = logged_in(group_editor)
    url = change_url(article) + f"?restore={old.pk}"
    assert "change its address" in messages_of(editor.get(url))
    before = database_state()
    response = editor.post(url, open_form(editor, url))
    assert response.status_code == 200 and database_state() == before
    assert "Only a Publisher can change the address of a public article" in non_field_errors(response)


# -- 7. the trash: a readable "delete for good", and a slug held by a trashed article ---------------------


def test_the_trash_deletes_for_good_under_a_clear_name_with_a_readable_confirmation(publisher, make_article):
    client = logged_in(publisher)
    article = make_article(title="Old news")
    workflow.after_save(article, source=Revision.Source.ADMIN)
    article.tags.create(name="Sleep")
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now())
    listing = page(client.get(TRASH))
    labels = [option.get_text() for option in listing.select("select[name=action] option")]
    assert "Delete selected articles for good" in labels and "Delete selected trash" not in labels
    confirm = client.post(TRASH, {"action": "delete_selected", "_selected_action": [article.pk]})
    text = page(confirm).select_one("#content").get_text(" ", strip=True)
    assert "Article: Old news" in text and "1 revision" in text
    assert "Article_tags" not in text and "entrys" not in text.lower() and "Search entr" not in text
    assert Article.objects.filter(pk=article.pk).exists()  # only asked
    done = client.post(TRASH, {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"})
    assert done.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()


def test_a_slug_held_by_a_trashed_article_says_so_and_how_to_free_it(
    group_editor, browser_post, make_article, database_state
):
    gone = make_article(title="Old news", slug="old-news")
    Article.objects.filter(pk=gone.pk).update(trashed_at=timezone.now())
    client = logged_in(group_editor)
    before = database_state()
    response = browser_post(client, ADD_URL, {"title": "New", "slug": "old-news", "body": "Text."})
    assert response.status_code == 200 and database_state() == before
    said = " ".join(response.context["adminform"].form.errors["slug"])
    assert "in the trash" in said and "restore" in said and "delete it for good" in said
    assert "already exists" not in said


def test_a_slug_held_by_a_live_article_keeps_the_usual_message(group_editor, browser_post, make_article):
    make_article(slug="taken")
    response = browser_post(logged_in(group_editor), ADD_URL, {"title": "New", "slug": "taken", "body": "Text."})
    assert "already exists" in " ".join(response.context["adminform"].form.errors["slug"])


# -- 8. the change log names only what the editor changed --------------------------------------------------


def test_the_change_log_names_only_real_changes(publisher, browser_post, make_article):
    client = logged_in(publisher)
    article = make_article(body="Line one.\n\nLine two.")
    browser_post(client, change_url(article))
    browser_post(client, change_url(article), {"title": "Retitled"})
    logged = [entry.get_change_message() for entry in LogEntry.objects.order_by("pk")]
    assert logged == ["No fields changed.", "Changed Title."]


# -- 9. a revision that is not there says so ---------------------------------------------------------------


def test_opening_a_pruned_or_foreign_revision_says_it_no_longer_exists(publisher, browser_post, make_article):
    client = logged_in(publisher)
    article = make_article(title="Mine")
    other = make_article(title="Other")
    foreign = _saved_versions(client, browser_post, other, {"body": "Other text."})[0]
    for wanted in (foreign.pk, 999999):
        response = client.get(change_url(article) + f"?restore={wanted}")
        assert "That revision no longer exists" in messages_of(response)
        assert "Save to restore it" not in response.content.decode()
        assert form_values(response.content)["title"] == ["Mine"]
        assert form_values(response.content)["restored_from"] == [""]


# -- 10. usage errors exit 2, naming the option -------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "argv", "option"),
    [
        ("empty_trash", ["--older-than", "-1"], "--older-than"),
        ("prune_revisions", ["--keep", "-1", "--older-than", "3"], "--keep"),
        ("prune_revisions", ["--keep", "1", "--older-than", "-2"], "--older-than"),
    ],
)
def test_a_negative_number_is_a_usage_error_that_exits_2(command, argv, option, capsys, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(trashed_at=timezone.now() - timedelta(days=90))
    with pytest.raises(SystemExit) as exit:
        load_command_class(get_commands()[command], command).run_from_argv(["manage.py", command, *argv])
    assert exit.value.code == 2
    assert f"argument {option}: give a number" in capsys.readouterr().err
    assert Article.objects.filter(pk=article.pk).exists()


def test_zero_is_still_accepted(make_article):
    out = StringIO()
    call_command("empty_trash", "--older-than", "0", stdout=out)
    call_command("prune_revisions", "--keep", "0", "--older-than", "0", stdout=out)
    assert "0 article(s) deleted" in out.getvalue() and "revision(s) deleted." in out.getvalue()
