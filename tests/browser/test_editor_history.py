"""What an article has been and what is nearly lost: revisions compared and restored, two people saving the same
article, text typed before a tab was closed, an article moved to the trash and back."""

import re

from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, Revision
from tests.browser.conftest import log_in, screenshots


def change_form(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def saved_by(article, user, **changes):
    """A save through the admin, as the revision history records it."""
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    workflow.after_save(article, user=user, source=Revision.Source.ADMIN, created=not changes)


def test_a_publisher_compares_two_revisions_and_restores_the_older_one(page, publisher, make_article):
    article = make_article(title="Lighthouses", body="The old lamp burned whale oil every night.")
    saved_by(article, publisher)
    saved_by(article, publisher, body="The new lamp is electric and never sleeps.")
    log_in(page, "paul")
    page.goto(change_form(article))
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("table", name=re.compile("Choose two revisions"))).to_be_visible()
    screenshots(page, "editor-history")

    page.get_by_role("button", name="Compare selected revisions").click()
    expect(page.get_by_role("heading", name="Body")).to_be_visible()
    expect(page.get_by_role("deletion").filter(has_text="old")).to_be_visible()
    expect(page.get_by_role("insertion").filter(has_text="electric")).to_be_visible()
    screenshots(page, "editor-revision-compare")

    page.go_back()
    revisions = page.get_by_role("table", name=re.compile("Choose two revisions"))
    older = revisions.get_by_role("row").filter(has_not_text="(current)").filter(has=page.get_by_role("link"))
    older.get_by_role("link").click()
    expect(page.get_by_text("The old lamp burned whale oil every night.")).to_be_visible()
    screenshots(page, "editor-revision")
    page.get_by_role("link", name="Restore this revision").click()
    expect(page.get_by_text(re.compile(r"^This form holds the revision of"))).to_be_visible()
    expect(page.get_by_label("Body")).to_have_value("The old lamp burned whale oil every night.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()
    expect(page.get_by_label("Body")).to_have_value("The old lamp burned whale oil every night.")

    article.refresh_from_db()
    assert article.body == "The old lamp burned whale oil every night."
    newest = article.revisions.order_by("-pk").first()
    assert (newest.source, newest.user) == (Revision.Source.RESTORE, publisher)


def test_the_second_of_two_people_saving_one_article_is_told_and_keeps_their_text(
    open_context, group_editor, publisher, make_article
):
    article = make_article(title="Tide mills", body="Mills that ran on the tide.", status="draft")
    saved_by(article, group_editor)
    edna = open_context().new_page()
    log_in(edna, "edna")
    edna.goto(change_form(article))
    paul = open_context().new_page()
    log_in(paul, "paul")
    paul.goto(change_form(article))

    paul.get_by_label("Body").fill("Mills that ran on the tide, in Paul's words.")
    paul.get_by_role("button", name="Save and continue editing").click()
    expect(paul.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()

    edna.get_by_label("Body").fill("Mills that ran on the tide, as Edna sees them.")
    edna.get_by_role("button", name="Save and continue editing").click()
    expect(
        edna.get_by_text(re.compile(r"^Not saved: paul saved this article at .*after you opened it"))
    ).to_be_visible()
    expect(edna.get_by_label("Body")).to_have_value("Mills that ran on the tide, as Edna sees them.")
    expect(edna.get_by_role("link", name="See what they changed")).to_be_visible()
    screenshots(edna, "editor-edit-conflict")
    article.refresh_from_db()
    assert article.body == "Mills that ran on the tide, in Paul's words."

    # Saving again, knowing what Paul did, replaces his version.
    edna.get_by_role("button", name="Save and continue editing").click()
    expect(edna.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()
    article.refresh_from_db()
    assert article.body == "Mills that ran on the tide, as Edna sees them."


def test_text_typed_before_the_tab_was_closed_comes_back(open_context, group_editor, make_article):
    article = make_article(title="Sea shanties", body="Sung to keep time.", status="draft")
    context = open_context()
    page = context.new_page()
    log_in(page, "edna")
    page.goto(change_form(article))
    body = page.get_by_label("Body")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Haul away, Joe!")
    key = f"article-autosave:{article.pk}:{group_editor.pk}"
    page.wait_for_function("(key) => (localStorage.getItem(key) || '').includes('Haul away')", arg=key)
    page.close()

    page = context.new_page()
    page.goto(change_form(article))
    offer = page.get_by_role("alert").filter(has_text="This browser kept text you had not saved")
    expect(offer).to_be_visible()
    screenshots(page, "editor-autosave-offer")
    offer.get_by_role("button", name="Restore unsaved text").click()
    expect(page.get_by_label("Body")).to_have_value("Sung to keep time. Haul away, Joe!")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()
    article.refresh_from_db()
    assert article.body == "Sung to keep time. Haul away, Joe!"

    # Saved, so nothing is offered any more.
    page.goto(change_form(article))
    expect(page.get_by_label("Body")).to_have_value("Sung to keep time. Haul away, Joe!")
    expect(page.get_by_text("This browser kept text you had not saved")).to_have_count(0)


def test_a_publisher_moves_an_article_to_the_trash_and_restores_it(open_context, publisher, make_article):
    article = make_article(title="Shipwrecks of the coast", body="Charted and named.")
    page = open_context().new_page()
    log_in(page, "paul")
    page.goto(change_form(article))
    page.get_by_role("button", name="Delete").click()
    screenshots(page, "editor-move-to-trash")
    page.get_by_role("button", name="Move to the trash").click()
    expect(page.get_by_text("“Shipwrecks of the coast” is in the trash; a Publisher can restore it.")).to_be_visible()

    reader = open_context().new_page()
    reader.expect_console(r"status of 410")
    assert reader.goto(article.get_absolute_url()).status == 410
    expect(reader.get_by_role("heading", name="This page has been removed")).to_be_visible()

    page.get_by_role("link", name="Trash").first.click()
    row = page.get_by_role("row").filter(has_text="Shipwrecks of the coast")
    row.get_by_role("checkbox").check()
    screenshots(page, "editor-trash")
    action = page.get_by_role("combobox", name=re.compile("^Action"))
    action.select_option(label="Restore selected articles from the trash")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Restored 1 article(s) from the trash.")).to_be_visible()

    assert reader.goto(article.get_absolute_url()).status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text("Shipwrecks of the coast")
    assert Article.objects.published().filter(pk=article.pk).exists()
