"""The text rules that live in articles/text.py: Markdown escaping, URL schemes, line endings."""

import html
import re

import pytest

from articles.importers.decoding import decode_text
from articles.importers.html_to_markdown import html_to_markdown, safe_url
from articles.importers.scraped_text import parse as parse_scraped
from articles.markdown import render_markdown
from articles.text import LINK_SCHEMES, escape_markdown, is_web_url, normalise_newlines, url_scheme

NASTY = [
    "*a*", "_b_", "**strong**", "__strong__", "***", "___", "* * *", "x_y_z", "2 * 3 * 4",
    "`c`", "`` ` ``", "```", "```python", "~~~", "~~s~~", "a ~ b", "~ def",
    "[x](y)", "![i](j)", "[a][b]", "[link]", "[^1]", "[^1]: note", "[a]: https://example.com/",
    "a]b[c", "]", "[", "![", "^[inline]",
    "<b>", "<div>x</div>", "<!-- c -->", "<https://example.com/>", "<a@b.c>", "x < y > z",
    "&amp;", "&copy;", "&#169;", "&#x41;", "AT&T", "&",
    "# h", "## h ##", "###### h", "####### seven", "#hashtag", "  # indented heading",
    "1. x", "1) x", "123456789. x", "2.", "- y", "+ z", "-", "+", "=", "> q", ">q", "   > indented quote",
    "a | b", "| a | b |\n| - | - |", "|",
    "\\", "\\*", "\\[", "a\\\nb", "ends with \\",
    "===", "---", "-- -", "- - -", "a\n===", "a\n---", "a\n- b", "a\n> b", "a\n1. b", "a\n# b", "a\n***",
    "Term\n: def", "Term\n~ def", ": def", "a\n    b", "a  \nb",
    "{#id}", ":smile:", "$x$", "%", "!", "#", "http://example.com/plain",
]  # fmt: skip


def visible_text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def tags(fragment: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)", fragment))


def tags_besides_bare_urls(fragment: str) -> set[str]:
    """tags(), but for links whose text is their whole address: a bare URL in text is a link."""
    return tags(re.sub(r'<a href="([^"]*)">\1</a>', r"\1", fragment))


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_renders_as_one_paragraph_of_exactly_that_text(text):
    for escaped in (escape_markdown(text), escape_markdown(text, in_link_text=False)):
        rendered = render_markdown(escaped)
        assert tags_besides_bare_urls(rendered) <= {"p", "br"}, rendered
        assert rendered.count("<p>") == 1
        assert visible_text(rendered) == " ".join(text.split())


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_is_exactly_a_links_text(text):
    rendered = render_markdown(f"[{escape_markdown(text)}](https://example.com/)")
    assert tags(rendered) <= {"p", "a", "br"}, rendered
    assert rendered.count("<a ") == 1
    assert visible_text(rendered) == " ".join(text.split())


@pytest.mark.parametrize("text", [t for t in NASTY if "\n" not in t])
def test_wordpress_text_that_looks_like_markup_shows_as_written(text):
    for post in (f"<p>{html.escape(text)}</p>", f'<p><a href="https://example.com/">{html.escape(text)}</a></p>'):
        rendered = render_markdown(html_to_markdown(post))
        assert tags(rendered) <= {"p", "a", "br"}, rendered
        assert visible_text(rendered) == " ".join(text.split())


@pytest.mark.parametrize("text", [t for t in NASTY if "\n" not in t and t.strip()])
def test_scraped_text_that_looks_like_markup_shows_as_written(text):
    page = f"Title\n\nTitle\n\nFirst paragraph of the body.\n\n{text}\n\nLast paragraph of the body."
    rendered = render_markdown(parse_scraped(page, import_key="k", location="page.txt").body)
    assert tags_besides_bare_urls(rendered) <= {"p", "br"}, rendered
    expected = f"First paragraph of the body. {text} Last paragraph of the body."
    assert visible_text(rendered) == " ".join(expected.split())


def test_escaping_leaves_ordinary_prose_alone():
    prose = "It's 5 o'clock: time for tea, coffee & cake (or not). Really? Yes! 100% sure; 3/4 done."
    assert escape_markdown(prose) == prose


def test_image_alt_text_keeps_its_markup_characters():
    markdown = html_to_markdown('<img src="/a.png" alt="a *b* [c]">')
    assert '<img src="/a.png" alt="a *b* [c]">' in render_markdown(markdown)


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://example.com/", "https"),
        ("HTTP://EXAMPLE.COM/", "http"),
        ("mailto:a@example.com", "mailto"),
        ("/relative/path", ""),
        ("page.html#top", ""),
        ("//example.com/x", ""),
        (" Java\tScript:alert(1)", "javascript"),
        ("\x01\x02javascript:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("data:text/html;base64,AAAA", "data"),
    ],
)
def test_url_scheme_reads_urls_as_browsers_do(url, scheme):
    assert url_scheme(url) == scheme
    assert is_web_url(url) == (scheme in {"http", "https"})


@pytest.mark.parametrize("url", ["ftp://example.com/f", "javascript:alert(1)", "\x01javascript:alert(1)", "data:x"])
def test_schemes_outside_the_allow_list_are_refused_by_importer_and_renderer(url):
    assert url_scheme(url) not in LINK_SCHEMES
    assert safe_url(url) is None
    rendered = render_markdown(f'[x](<{url}>) <a href="{html.escape(url)}">y</a>')
    # What is left is no link, or a relative one ("\x01javascript:" is percent-encoded by markdown-it).
    assert all(url_scheme(html.unescape(href)) == "" for href in re.findall(r'href="([^"]*)"', rendered))


@pytest.mark.parametrize("url", ["https://example.com/a", "http://example.com/", "mailto:a@example.com", "tel:+1555"])
def test_allowed_schemes_pass_importer_and_renderer(url):
    assert safe_url(url) == url
    assert f'href="{url}"' in render_markdown(f"[x]({url})")


def test_every_line_ending_becomes_a_newline():
    assert normalise_newlines("a\r\nb\rc\nd\r\r\ne") == "a\nb\nc\nd\n\ne"
    assert decode_text(b"one\r\ntwo\rthree", "f.txt")[0] == "one\ntwo\nthree"
    assert html_to_markdown("<pre>a\r\nb\rc</pre>") == "```\na\nb\nc\n```"
