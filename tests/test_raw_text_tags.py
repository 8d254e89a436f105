"""A tag whose element an HTML parser reads as raw text (<script>, <style>, <textarea>…) written in
passing and never closed must not swallow the rest of the article: it is shown as text, on the
page, in the feed and in the editor's preview alike. A closed one is still removed with its content."""

import feedparser
import pytest

from articles.models import Article

pytestmark = pytest.mark.django_db

BODY = (
    "Put your code in a <script> tag before the closing body tag.\r\n\r\n"
    "## Step two\r\n\r\nUse a <textarea> for long answers.\r\n\r\n"
    "## Step three\r\n\r\nStyle it with <STYLE media=print> rules.\r\n"
)


def test_the_rest_of_the_article_survives_an_unclosed_script_tag(client, make_article):
    article = make_article(title="How to add JavaScript", body=BODY, status=Article.Status.PUBLISHED)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Put your code in a &lt;script&gt; tag before the closing body tag." in page
    assert '<h2 id="step-two">Step two</h2>' in page and '<h2 id="step-three">Step three</h2>' in page
    assert "Use a &lt;textarea&gt; for long answers." in page
    assert "Style it with &lt;STYLE media=print&gt; rules." in page
    assert "<script>" not in page.split("</head>")[1].replace('<script type="application/ld+json">', "")


def test_the_feed_and_the_preview_keep_the_text_after_the_tag(client, make_article, editor):
    make_article(title="How to add JavaScript", body=BODY, status=Article.Status.PUBLISHED)
    entry = feedparser.parse(client.get("/feed/").content).entries[0]
    assert "Step three" in entry.content[0].value and "&lt;script&gt;" in entry.content[0].value
    client.force_login(editor)
    preview = client.post("/markdownx/markdownify/", {"content": BODY}).content.decode()
    assert "Step three" in preview and "&lt;textarea&gt;" in preview


def test_a_closed_script_is_still_removed_with_its_content(client, make_article):
    article = make_article(
        title="Closed",
        body="Before <script>alert(1)</script> after.\n\n<style>p{}</style>\n\n## Kept",
        status="published",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "alert(1)" not in page and "p{}" not in page
    assert "Before  after." in page and "Kept</h2>" in page


def test_many_unclosed_start_tags_without_an_end_are_all_shown_as_text():
    from articles.markdown import render_markdown

    html = render_markdown("<script " * 2000 + "\n\n## After")
    # A line that starts with "<script" opens a CommonMark HTML block that runs to the end: the
    # heading stays as its text, but nothing is lost.
    assert html.count("&lt;script") == 2000 and html.endswith("## After")
