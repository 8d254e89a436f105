"""Two people open the same article and both save: the second save is refused, says who saved
what and when, links to the diff, and keeps the second person's text in the form."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Revision
from tests.conftest import form_values

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_second_of_two_saves_is_refused_and_keeps_its_text(
    group_editor, publisher, make_article, open_form, database_state
):
    article = make_article(title="Shared", body="Original words.")
    workflow.after_save(article, source=Revision.Source.ADMIN)  # saved once before
    first, second = logged_in(group_editor), logged_in(publisher)
    first_form, second_form = open_form(first, change_url(article)), open_form(second, change_url(article))

    first_form["body"] = ["Edna's words."]
    assert first.post(change_url(article), first_form).status_code == 302
    saved = database_state()

    second_form["body"] = ["Paul's words, typed for an hour."]
    response = second.post(change_url(article), second_form)
    assert response.status_code == 200
    assert database_state() == saved  # nothing of Paul's was written, nothing of Edna's lost
    page = BeautifulSoup(response.content, "lxml")
    assert page.select_one("textarea[name=body]").get_text().strip() == "Paul's words, typed for an hour."
    message = page.select_one(".errornote + ul.errorlist, ul.errorlist.nonfield").get_text()
    assert "edna saved this article at" in message and "(changed: Body)" in message
    latest = Revision.objects.filter(article=article).first()
    assert latest.user == group_editor
    diff_link = page.select_one("ul.errorlist.nonfield a")["href"]
    assert diff_link.endswith(f"/history/compare/?a={article.revisions.last().pk}&b={latest.pk}")
    diff = BeautifulSoup(second.get(diff_link).content, "lxml")
    assert "Edna's" in diff.select_one(".word-diff ins").get_text()


def test_saving_again_after_seeing_the_conflict_is_a_deliberate_overwrite(
    group_editor, publisher, make_article, open_form
):
    article = make_article(body="Original.")
    workflow.after_save(article, source=Revision.Source.ADMIN)
    first, second = logged_in(group_editor), logged_in(publisher)
    first_form, second_form = open_form(first, change_url(article)), open_form(second, change_url(article))
    first_form["body"] = ["First."]
    first.post(change_url(article), first_form)
    second_form["body"] = ["Second."]
    refused = second.post(change_url(article), second_form)
    assert second.post(change_url(article), form_values(refused.content)).status_code == 302
    article.refresh_from_db()
    assert article.body == "Second."
    assert [r.content["body"] for r in article.revisions.all()] == ["Second.", "First.", "Original."]


def test_an_article_without_revisions_is_protected_too(group_editor, publisher, make_article, open_form):
    article = make_article(body="Made before revisions existed.")
    assert not article.revisions.exists()
    first, second = logged_in(group_editor), logged_in(publisher)
    first_form, second_form = open_form(first, change_url(article)), open_form(second, change_url(article))
    first_form["body"] = ["One."]
    first.post(change_url(article), first_form)
    second_form["body"] = ["Two."]
    response = second.post(change_url(article), second_form)
    assert response.status_code == 200
    link = BeautifulSoup(response.content, "lxml").select_one("ul.errorlist.nonfield a")["href"]
    assert link == reverse("admin:articles_article_revision", args=[article.pk, article.revisions.get().pk])
    article.refresh_from_db()
    assert article.body == "One."


def test_one_person_saving_twice_is_no_conflict(publisher, make_article, browser_post):
    article = make_article()
    client = logged_in(publisher)
    for body in ("One.", "Two."):
        assert browser_post(client, change_url(article), {"body": body}).status_code == 302


def test_a_list_action_after_the_form_was_opened_is_a_conflict(publisher, group_editor, make_article, open_form):
    """An Editor's open form must not silently put back the status a Publisher just changed."""
    article = make_article(status="review")
    editor = logged_in(group_editor)
    form = open_form(editor, change_url(article))
    logged_in(publisher).post(
        reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [article.pk]}
    )
    form["body"] = ["Late edit."]
    response = editor.post(change_url(article), form)
    assert response.status_code == 200 and "paul saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.is_public and article.body == "Some text."
