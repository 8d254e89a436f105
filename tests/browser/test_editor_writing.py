"""An editor writes: logs in, creates an article, sees the live preview follow the Markdown, drops an image
in and describes it, and saves a draft."""

import re

from playwright.sync_api import expect

from articles.models import Article
from images.models import Image
from tests.browser.conftest import axe_violations, drop_file, log_in, screenshots
from tests.image_helpers import picture_bytes


def test_an_editor_logs_in_through_the_form_after_a_wrong_password(page, group_editor):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    screenshots(page, "editor-login")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    expect(page.get_by_text("Please enter the correct username and password")).to_be_visible()
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    expect(page.get_by_role("link", name="Articles", exact=True).first).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(re.compile(r"Welcome,\s*edna", re.I))
    screenshots(page, "editor-dashboard")


def test_the_preview_follows_the_markdown_as_it_is_typed(page, group_editor):
    log_in(page, "edna")
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Add article").click()
    expect(page.get_by_role("heading", name="Add article")).to_be_visible()
    preview = page.locator(".markdownx-preview")
    body = page.get_by_label("Body")
    body.click()
    page.keyboard.type("## Why tides turn\n\nThe moon *pulls* the sea, twice a day.")
    expect(preview.get_by_role("heading", name="Why tides turn")).to_be_visible()
    expect(preview.locator("em")).to_have_text("pulls")
    screenshots(page, "editor-add-form-preview")

    # An edit anywhere in the text shows too: the heading renamed, a list added.
    page.keyboard.press("Control+Home")
    page.keyboard.press("End")
    page.keyboard.type(" and turn again")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n- high water\n- low water")
    expect(preview.get_by_role("heading", name="Why tides turn and turn again")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_text(["high water", "low water"])
    expect(preview.get_by_role("heading", name="Why tides turn", exact=True)).to_have_count(0)


def test_a_dropped_image_is_uploaded_inserted_and_described(page, group_editor):
    log_in(page, "edna")
    page.goto("/admin/articles/article/add/")
    body = page.get_by_label("Body")
    body.fill("A harbour at low tide.\n\n")
    body.press("Control+End")
    drop_file(body, "harbour.png", "image/png", picture_bytes(size=(120, 80), fmt="PNG"))

    prompt = page.get_by_role("dialog", name="Describe the image")
    expect(prompt).to_be_visible()
    description = prompt.get_by_label("Description")
    expect(description).to_be_focused()
    # The image is in the library, and its Markdown in the text, before anyone describes it.
    image = Image.objects.get()
    expect(body).to_have_value(re.compile(re.escape(f"![Describe the image](image:{image.key}/")))
    assert axe_violations(page) == []
    screenshots(page, "editor-alt-text-prompt")

    description.fill("Boats resting on the mud [at dawn]")
    description.press("Enter")
    expect(prompt).to_be_hidden()
    expect(body).to_be_focused()
    expect(body).to_have_value(
        re.compile(r"^A harbour at low tide\.\n\n" + re.escape(r"![Boats resting on the mud \[at dawn\]](image:"))
    )
    preview_image = page.locator(".markdownx-preview").get_by_role("img", name="Boats resting on the mud [at dawn]")
    expect(preview_image).to_be_visible()
    expect(preview_image).to_have_js_property("complete", True)
    # The browser's copy of unsaved text (autosave.js) has the described image too, not only typed text.
    page.wait_for_function(
        "() => Object.keys(localStorage).some((key) => (localStorage.getItem(key) || '').includes('Boats resting'))"
    )


def test_not_describing_a_dropped_image_leaves_its_placeholder_selected(page, group_editor):
    log_in(page, "edna")
    page.goto("/admin/articles/article/add/")
    body = page.get_by_label("Body")
    body.click()
    drop_file(body, "harbour.jpg", "image/jpeg", picture_bytes(size=(90, 60)))
    prompt = page.get_by_role("dialog", name="Describe the image")
    expect(prompt).to_be_visible()
    page.keyboard.press("Escape")
    expect(prompt).to_be_hidden()
    expect(body).to_be_focused()
    selected = body.evaluate("(editor) => editor.value.substring(editor.selectionStart, editor.selectionEnd)")
    assert selected == "Describe the image"
    # Typing goes over the placeholder, as before the dialog existed.
    page.keyboard.type("A jetty")
    expect(body).to_have_value(re.compile(r"^!\[A jetty\]\(image:"))


def test_an_editor_saves_a_new_article_as_a_draft(page, group_editor):
    log_in(page, "edna")
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title").fill("Tide tables for beginners")
    page.get_by_label("Body").fill("Read the **height** column first.")
    expect(page.get_by_label("Status")).to_have_value("draft")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("The article “Tide tables for beginners” was added successfully.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Tide tables for beginners.*Draft"))).to_be_visible()
    screenshots(page, "editor-change-list")
    article = Article.objects.get()
    assert (article.status, article.slug, article.author) == (
        Article.Status.DRAFT,
        "tide-tables-for-beginners",
        group_editor,
    )
    assert "<strong>height</strong>" in article.body_html
    assert not article.is_public
