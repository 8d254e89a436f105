"""From draft to public: the editor previews a draft and shares it with someone who has no account, is refused
when trying to publish, and a Publisher publishes it and finds it on the site; renaming a public article keeps
its old address working."""

import re

from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import log_in, screenshots


def change_form(article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def test_an_editor_previews_a_draft_and_shares_it_with_someone_not_logged_in(open_context, group_editor, make_article):
    article = make_article(title="Reading the shipping forecast", body="Dogger, Fisher, German Bight.", status="draft")
    page = open_context().new_page()
    log_in(page, "edna")
    page.goto(change_form(article))
    screenshots(page, "editor-change-form")

    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading the shipping forecast")
    expect(page.get_by_text("Preview: this article is a draft and not public.")).to_be_visible()
    screenshots(page, "editor-draft-preview")
    page.go_back()

    page.get_by_role("button", name="Share preview link").click()
    message = page.get_by_text(re.compile(r"^Preview link, valid until"))
    expect(message).to_be_visible()
    link = message.get_by_role("link").get_attribute("href")
    assert "/preview/" in link

    stranger = open_context(width=390).new_page()
    stranger.goto(link)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Reading the shipping forecast")
    expect(stranger.get_by_text("Dogger, Fisher, German Bight.")).to_be_visible()
    expect(stranger.get_by_text(re.compile(r"Preview:\s*this article is\s*a draft"))).to_be_visible()
    # Only the link shows it: at its own address the draft is unknown to someone not logged in.
    stranger.expect_console(r"status of 404")
    assert stranger.goto(article.get_absolute_url()).status == 404


def test_an_editor_who_tries_to_publish_is_refused_and_sends_it_for_review(page, group_editor, make_article):
    article = make_article(title="Knots every sailor knows", body="The bowline first.", status="draft")
    log_in(page, "edna")
    page.goto(change_form(article))
    status = page.get_by_label("Status")
    # The form offers an Editor no way to publish...
    expect(status.locator("option")).to_have_text(["Draft", "Ready for review"])

    # ...nor to date it: "Today" and "Now" fill the publication date, and saving is refused.
    page.get_by_role("button", name="Today").click()
    page.get_by_role("button", name="Now").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("Only a Publisher can set or change the publication date.")).to_be_visible()
    screenshots(page, "editor-publish-refused")

    # A browser that offers "Published" anyway (an old page, a changed form) is refused by the server too.
    page.get_by_label("Date").fill("")
    page.get_by_label("Time").fill("")
    status.evaluate("(select) => select.add(new Option('Published', 'published'))")
    status.select_option("published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("Only a Publisher can publish or schedule an article.")).to_be_visible()
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)

    page.get_by_label("Status").select_option(label="Ready for review")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and not article.is_public


def test_a_publisher_publishes_an_article_ready_for_review_and_views_it_on_the_site(
    open_context, publisher, make_article
):
    make_article(title="Knots every sailor knows", body="The bowline first.", status="review")
    make_article(title="Still a draft", status="draft")
    page = open_context().new_page()
    log_in(page, "paul")
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Ready for review").click()
    expect(page.get_by_role("link", name="Still a draft")).to_have_count(0)
    page.get_by_role("link", name="Knots every sailor knows").click()
    page.get_by_label("Status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()

    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knots every sailor knows")
    expect(page.get_by_text(re.compile("^Preview:"))).to_have_count(0)
    reader = open_context().new_page()
    reader.goto("/")
    reader.get_by_role("link", name="Knots every sailor knows").click()
    expect(reader.get_by_text("The bowline first.")).to_be_visible()
    assert Article.objects.published().get().title == "Knots every sailor knows"


def test_a_publisher_renames_a_public_article_and_its_old_address_leads_to_the_new_one(
    open_context, publisher, make_article
):
    article = make_article(title="Lighthouse keepers", slug="lighthouse-keepers", body="A lonely trade.")
    page = open_context().new_page()
    log_in(page, "paul")
    page.goto(change_form(article))
    page.get_by_label("Slug").fill("the-last-lighthouse-keepers")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()
    page.get_by_role("heading", name="Old addresses").click()
    expect(page.get_by_role("link", name="/articles/lighthouse-keepers/")).to_be_visible()

    reader = open_context().new_page()
    reader.goto("/articles/lighthouse-keepers/")
    expect(reader).to_have_url(re.compile(r"/articles/the-last-lighthouse-keepers/$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("Lighthouse keepers")
