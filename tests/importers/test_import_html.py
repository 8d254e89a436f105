"""import_articles on saved web pages: a wget mirror of an old site with no export.

The mirror (tests/fixtures/html_mirror/, written by make_mirror.py for these tests) holds a
WordPress-themed post, a Wix-like page of nested <div>s, a Squarespace-like page, a Jekyll
page, a Windows-1252 page from an old table layout, a post shorter than its footer, and the
pages that are not articles: home, blog listing, contact, a "thank you" stub.
"""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect

from articles.models import Article
from images.models import Image

from ..image_helpers import picture_bytes

pytestmark = pytest.mark.django_db

MIRROR = Path(__file__).resolve().parent.parent / "fixtures" / "html_mirror" / "site"
HOST = "www.example-practice.com"

# title → (first paragraph, last paragraph, published, topic, tags)
ARTICLES = {
    "Coping With Anxiety at Work": (
        "Anxiety at work rarely announces itself. It shows up as a tight chest before a meeting, "
        "a sentence rewritten ten times, or an inbox you cannot bring yourself to open.",
        "can help. Reach out when you are ready.",
        datetime(2021, 3, 14, 9, 30, tzinfo=UTC),
        "Anxiety",
        ["anxiety", "workplace"],
    ),
    "Sleep and Mood": (
        "One bad night can colour a whole day. You may notice you are quicker to snap, slower to recover, "
        "and more likely to read a neutral message as criticism.",
        "If sleep problems last longer than a few weeks, talk to your doctor or to one of our therapists.",
        datetime(2022, 1, 20, 14, 0, tzinfo=UTC),
        "Wellbeing",
        ["mood", "sleep"],
    ),
    "Talking to Teens About Therapy": (
        "Suggesting therapy to a teenager can feel like walking into an argument you have already lost. "
        "It does not have to be.",
        "Finally, keep the door open. A no today is often a yes next month.",
        datetime(2020, 11, 2, 20, 12, tzinfo=UTC),
        "Family",
        ["parenting", "teens"],
    ),
    "Mindful Walking": (
        "Most of us walk every day without noticing a single step. Mindful walking turns that habit into a "
        "short practice.",
        "When your mind wanders, and it will, bring it back to your feet. That return is the practice.",
        datetime(2019, 5, 1, 12, 0, tzinfo=UTC),
        None,
        [],
    ),
    "Winter Blues": (
        "When the days shorten, many people feel slower, sadder and hungrier for carbohydrates. "
        "It isn’t “just in your head”: less daylight changes the body’s clock.",
        "If the low mood lasts more than two weeks, please talk to a professional — it may be seasonal depression.",
        None,
        "Seasons",
        ["light", "mood", "seasons"],
    ),
    "Holiday Hours": (
        "Our office closes from December 24 to January 1. Telehealth sessions continue as booked.",
        "For urgent needs during the break, call or text 988 at any hour.",
        datetime(2023, 12, 18, tzinfo=UTC),
        None,
        [],
    ),
}

# Text of navigation, headers, footers, sidebars, banners, share buttons, comments, related posts, forms.
BOILERPLATE = [
    "Proudly powered", "Recent Posts", "We use cookies", "Join our newsletter", "Leave a Reply", "Share this",
    "This was so helpful", "Rating the worry", "Subscribe", "All rights reserved", "100 Broadway", "Facebook",
    "Related", "Book Online", "See All", "Write a comment", "3 min read", "Previous", "Sign up", "Home",
    "Therapy in Manhattan since 2009", "Short notes from our therapists", "hello@example-practice.com",
    "Example Practice offers individual", "Posted in", "Tagged", "Categories", "© 2009",
]  # fmt: skip


@pytest.fixture
def mirror(tmp_path):
    """A copy of the mirror with its images (made here: binary files stay out of the repository)."""
    root = tmp_path / "mirror"
    shutil.copytree(MIRROR, root)
    for path in [
        "wp-content/uploads/2021/03/breathing.png",
        "s/family-walk.png",
        "wp-content/uploads/2021/03/calm-desk.png",
    ]:
        target = root / HOST / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(picture_bytes(fmt="PNG", colour=(len(path), 90, 30)))
    return root


@pytest.fixture
def imported(run_import, mirror):
    result = run_import(mirror)
    assert result.code == 0, result.err
    return result


@pytest.mark.parametrize("title", ARTICLES)
def test_each_article_page_keeps_its_title_text_dates_topic_and_tags(imported, title):
    first, last, published, topic, tags = ARTICLES[title]
    article = Article.objects.get(title=title)
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0] == first
    assert paragraphs[-1].endswith(last)
    assert article.published_at == published if published else article.published_at is not None
    assert (article.topic.name if article.topic else None) == topic
    assert sorted(tag.name for tag in article.tags.all()) == tags


def test_no_navigation_header_footer_or_widget_text_reaches_a_body(imported):
    bodies = "\n".join(Article.objects.values_list("body", flat=True))
    assert [phrase for phrase in BOILERPLATE if phrase in bodies] == []
    assert Article.objects.count() == len(ARTICLES)


def test_pages_that_are_not_articles_are_skipped_with_the_reason(imported):
    assert "6 created" in imported.out
    assert "skipped: 1 contact page, 1 home page, 1 listing page, 1 too little text" in imported.out


def test_body_keeps_headings_lists_quotes_tables_and_images_with_alt_text(imported):
    body = Article.objects.get(title="Coping With Anxiety at Work").body
    assert "## Name what you feel" in body
    assert "- Write the worry down in one line.\n- Rate it from one to ten." in body
    assert "> You do not have to feel calm to act calmly." in body
    assert "| Box breathing | 2 minutes |" in body
    assert "![Breathing exercise diagram](image:" in body


def test_mirror_images_go_into_the_media_library_and_missing_ones_are_reported(imported):
    body = Article.objects.get(title="Coping With Anxiety at Work").body
    assert Image.objects.exists()
    assert [line for line in body.split("\n") if "wp-content" in line and "missing.jpg" not in line] == []
    assert "image file missing from --media-root" in imported.out and "missing.jpg" in imported.out
    assert "![Lost picture](../../../wp-content/uploads/2021/03/missing.jpg)" in body


def test_scripts_event_handlers_and_javascript_links_never_survive(imported, client):
    article = Article.objects.get(title="Coping With Anxiety at Work")
    assert "A tempting link and an image" in article.body
    assert "javascript:" not in article.body and "steal()" not in article.body
    page = client.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in page and "onclick" not in page and "dataLayer" not in page


def test_old_addresses_redirect_to_the_new_articles(imported, client):
    coping = Article.objects.get(title="Coping With Anxiety at Work").get_absolute_url()
    sleep = Article.objects.get(title="Sleep and Mood").get_absolute_url()
    teens = Article.objects.get(title="Talking to Teens About Therapy").get_absolute_url()
    for old, new in [
        ("/2021/03/coping-with-anxiety/", coping),  # canonical link
        ("/2021/03/coping-with-anxiety/index.html", coping),  # its place in the mirror
        ("/post/sleep-and-mood", sleep),  # canonical differs from the mirror's file name
        ("/sleep-and-mood.html", sleep),
        ("/journal/talking-to-teens/", teens),  # no canonical link: the mirror path
        ("/journal/talking-to-teens", teens),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old


def test_an_old_address_leads_nowhere_while_its_article_is_a_draft(run_import, mirror, client):
    assert run_import(mirror, "--status", "draft").code == 0
    assert Redirect.objects.filter(old_path="/sleep-and-mood.html").exists()
    assert client.get("/sleep-and-mood.html").status_code == 404


def test_links_between_pages_point_at_the_new_addresses_whatever_the_file_order(imported):
    coping = Article.objects.get(title="Coping With Anxiety at Work")
    sleep = Article.objects.get(title="Sleep and Mood")
    # coping (read first) links to sleep by a relative path; sleep links back by an absolute old URL.
    assert f"[poor sleep makes it worse]({sleep.get_absolute_url()})" in coping.body
    assert f"[coping with anxiety at work]({coping.get_absolute_url()})" in sleep.body
    teens = Article.objects.get(title="Talking to Teens About Therapy")
    assert f"[talking with someone]({teens.get_absolute_url()})" in coping.body


def test_windows_1252_page_is_decoded_by_its_meta_charset(imported):
    article = Article.objects.get(title="Winter Blues")
    assert "Our café-style group meets on Thursdays." in article.body
    assert "winter-blues.html: decoded as windows-1252" in imported.out


def test_about_line_becomes_the_topic_and_leaves_the_body(imported):
    body = Article.objects.get(title="Winter Blues").body
    assert "About Seasons" not in body


def test_metadata_description_and_modification_date(imported):
    article = Article.objects.get(title="Coping With Anxiety at Work")
    assert article.meta_description == "Five small habits that make anxious workdays easier to get through."
    assert article.updated_at == datetime(2021, 4, 2, 16, 0, tzinfo=UTC)


def test_reimport_changes_nothing_and_keeps_local_edits(run_import, mirror, imported):
    article = Article.objects.get(title="Sleep and Mood")
    article.body = "Edited by an editor."
    article.save()

    again = run_import(mirror)
    page = mirror / HOST / "sleep-and-mood.html"
    page.write_text(page.read_text().replace("One bad night", "A single bad night"))
    changed = run_import(mirror)

    assert "0 created, 0 updated, 6 unchanged, 0 locally modified" in again.out
    assert "0 created, 0 updated, 5 unchanged, 1 locally modified" in changed.out
    assert Article.objects.get(pk=article.pk).body == "Edited by an editor."
    assert Article.objects.count() == len(ARTICLES)


def test_dry_run_lists_every_page_with_its_verdict_and_title(run_import, mirror):
    result = run_import(mirror, "--dry-run")

    assert Article.objects.count() == 0
    assert f"{HOST}/index.html: skipped: home page — 'Therapy in Manhattan'" in result.out
    assert f"{HOST}/blog/index.html: skipped: listing page — 'Blog'" in result.out
    assert f"{HOST}/contact/index.html: skipped: contact page" in result.out
    assert f"{HOST}/thank-you.html: skipped: too little text (29 characters of text" in result.out
    assert f"{HOST}/sleep-and-mood.html: article — 'Sleep and Mood'" in result.out
    assert f"{HOST}/notes/winter-blues.html: article — 'Winter Blues'" in result.out


def test_include_and_exclude_overrule_the_verdicts(run_import, mirror):
    result = run_import(mirror, "--include", "thank-you.html", "--exclude", "notes/*")

    assert result.code == 0, result.err
    assert Article.objects.filter(title="Thank you").exists()
    assert not Article.objects.filter(title__in=["Winter Blues", "Holiday Hours"]).exists()
    assert "2 excluded by --exclude" in result.out


def test_a_bad_page_fails_alone_naming_its_file(run_import, mirror):
    (mirror / "empty.html").write_bytes(b"  \n")
    (mirror / "binary.htm").write_bytes(b"\x89PNG\x00\x00\x00" * 20)
    (mirror / "huge.html").write_bytes(b"<html><body><p>" + b"word " * 3000 + b"</p></body></html>")

    result = run_import(mirror, "--max-file-size", "10000")

    assert result.code == 1
    assert f"{mirror / 'empty.html'}: is empty" in result.err
    assert f"{mirror / 'binary.htm'}: is a binary file" in result.err
    assert f"{mirror / 'huge.html'}: is 15,033 bytes, over the 10,000-byte limit" in result.err
    assert Article.objects.count() == len(ARTICLES)


def test_broken_html_and_a_byte_order_mark_are_read(run_import, write):
    page = (
        "<html><head><title>Unclosed Tags | Old Site</title><body><div class=content><p>This page never closes "
        "its paragraphs or its divs, as many hand-written pages did, <b>and still reads fine<p>A second "
        "paragraph follows without a closing tag, and the text keeps going long enough to be an article "
        "rather than a stub; it has more than enough words for that.<p>Last words here."
    )
    path = write("old/unclosed.html", b"\xef\xbb\xbf" + page.encode())

    result = run_import(path.parent)

    assert result.code == 0, result.err
    article = Article.objects.get()
    assert article.title == "Unclosed Tags"
    assert article.body.startswith("This page never closes its paragraphs")
    assert article.body.endswith("Last words here.")


def test_a_single_html_file_is_detected_without_its_extension(run_import, write):
    page = MIRROR / HOST / "posts" / "2019-05-01-mindful-walking.html"
    path = write("saved-page", page.read_bytes())

    result = run_import(path)

    assert result.code == 0, result.err
    assert Article.objects.get().title == "Mindful Walking"


def test_the_themes_post_thumbnail_becomes_the_featured_image(imported):
    article = Article.objects.get(title="Coping With Anxiety at Work")
    assert article.featured_image is not None
    assert article.featured_image.alt_text == "A tidy desk by a window"


def test_a_post_whose_address_merely_mentions_tags_is_still_an_article(run_import, write):
    page = (MIRROR / HOST / "posts" / "2019-05-01-mindful-walking.html").read_bytes()
    path = write("site/2020/05/tags-and-labels-we-carry.html", page)

    result = run_import(path.parent.parent.parent)

    assert result.code == 0, result.err
    assert Article.objects.get().title == "Mindful Walking"


@pytest.mark.parametrize(
    "page",
    [b"<html></html>", b"<html><frameset><frame src='a.html'></frameset></html>", b"<p <p <p " * 2000],
)
def test_a_page_with_no_readable_body_is_skipped_not_a_crash(run_import, write, page):
    result = run_import(write("odd.html", page))

    assert result.code == 0, result.err
    assert "skipped: 1 too little text" in result.out


def test_a_canonical_link_to_another_site_gives_no_old_address(run_import, mirror, client):
    page = mirror / HOST / "sleep-and-mood.html"
    page.write_text(page.read_text().replace("https://www.example-practice.com/post/", "https://medium.example/@dr/"))

    result = run_import(mirror)

    assert result.code == 0, result.err
    assert "its canonical link points at another site (https://medium.example/@dr/sleep-and-mood)" in result.out
    assert not Redirect.objects.filter(old_path="/@dr/sleep-and-mood").exists()
    assert client.get("/sleep-and-mood.html").status_code == 301
