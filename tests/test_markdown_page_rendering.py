"""Rendering rough edges, as the editor's preview and the public article page show them.

Raw <H1> in any case; heading ids that clash with the page's own or are empty; links whose
address the sanitiser removed; bare URLs as links; right-to-left text; <html lang>.
"""

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from articles.importers.scraped_text import parse as parse_scraped
from articles.markdown import FALLBACK_HEADING_ID, PAGE_IDS, render_markdown
from articles.models import Article

PREVIEW = "/markdownx/markdownify/"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ID_RE = re.compile(r'\sid="([^"]*)"')


@pytest.fixture(params=["preview", "page"])
def render(request, client, editor, make_article):
    """Markdown to the body's HTML, through the editor's preview or an article's public page."""
    made = Counter()

    def rendered(body: str) -> str:
        if request.param == "preview":
            client.force_login(editor)
            response = client.post(PREVIEW, {"content": body})
            assert response.status_code == 200
            return response.content.decode()
        made["articles"] += 1
        article = make_article(title=f"Rendering {made['articles']}", body=body)
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        return body_of(response.content.decode())

    return rendered


def body_of(page: str) -> str:
    """The article's body in its public page: what is inside <div class="prose">."""
    start = page.index('<div class="prose">') + len('<div class="prose">')
    inside = page[start : page.index("</article>")]
    return inside[: inside.rindex("</div>")].strip()


def public_page(client, make_article, body: str, **fields) -> str:
    article = make_article(body=body, **fields)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link."""
    return re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html)


# -- 1. <h1> in any case moves the headings down ------------------------------------------


@pytest.mark.parametrize("h1", ["<H1>Top</H1>", "<h1>Top</h1>", '<H1 CLASS="x">Top</h1>', "# Top"])
def test_a_body_with_h1_in_any_case_moves_every_heading_down(render, h1):
    html = render(f"{h1}\n\n## Part\n\n<H3>Raw part</H3>\n\nText.")
    assert not re.search(r"<h1", html, re.IGNORECASE)
    assert re.search(r"<h2( id=\"top\")?>Top</h2>", html)  # kept, as the first section
    assert '<h3 id="part">Part</h3>' in html
    assert "<h4>Raw part</h4>" in html


def test_the_title_stays_the_only_h1_of_the_page(client, make_article):
    page = public_page(client, make_article, "<H1>Body title</H1>\n\n<h2>Part</h2>", title="The title")
    assert re.findall(r"<h1\b[^>]*>(.*?)</h1>", page, re.IGNORECASE) == ["The title"]
    assert "<h2>Body title</h2>" in page and "<h3>Part</h3>" in page


def test_a_body_without_h1_keeps_its_levels(render):
    assert render("<H2>Part</H2>\n\n### Sub") == '<h2>Part</h2>\n<h3 id="sub">Sub</h3>'


# -- 2. heading ids ---------------------------------------------------------------------


def test_headings_named_like_the_pages_own_ids_get_other_ids(render):
    html = render("## Main\n\n## Content\n\n## Main")
    assert '<h2 id="main-1">Main</h2>' in html
    assert '<h2 id="content-1">Content</h2>' in html
    assert '<h2 id="main-2">Main</h2>' in html


def test_the_skip_link_target_is_the_only_main_on_the_page(client, make_article):
    body = '## Main\n\n<h2 id="main">Raw</h2>\n\n<a id="main">anchor</a> and <h3 id="">empty</h3>\n\n## 🎉'
    page = public_page(client, make_article, body)
    ids = ID_RE.findall(page)
    assert ids.count("main") == 1 and '<main id="main"' in page
    assert "" not in ids
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_headings_without_letters_get_a_fallback_id_and_never_take_a_real_headings(render):
    html = render("## 🎉\n\n## !!!\n\n## Section\n\n## — —")
    assert f'<h2 id="{FALLBACK_HEADING_ID}-1">🎉</h2>' in html
    assert f'<h2 id="{FALLBACK_HEADING_ID}-2">!!!</h2>' in html
    assert f'<h2 id="{FALLBACK_HEADING_ID}">Section</h2>' in html  # as without the others
    assert f'<h2 id="{FALLBACK_HEADING_ID}-3">— —</h2>' in html
    assert 'id=""' not in html


def test_heading_ids_stay_as_they_were_for_ordinary_headings(render):
    html = render("## First steps\n\n## Intro\n\n## Intro\n\n## Intro 1\n\n## Intro\n\n### Ça va? `code`\n\n## 日本語")
    ids = ID_RE.findall(html)
    assert ids == ["first-steps", "intro", "intro-1", "intro-1-1", "intro-2", "ça-va-code", "日本語"]


def test_heading_ids_keep_clear_of_raw_html_ids_and_footnotes(render):
    html = render('<h2 id="notes">Raw</h2>\n\n## Notes\n\n## fn1\n\nA claim[^1].\n\n[^1]: Source.')
    ids = ID_RE.findall(html)
    assert ids.count("notes") == 1 and "notes-1" in ids
    assert ids.count("fn1") == 1 and "fn1-1" in ids
    assert 'href="#fn1"' in html


def test_every_id_the_templates_use_is_one_headings_keep_clear_of():
    used = {
        match
        for path in TEMPLATES.rglob("*.html")
        for match in re.findall(r'\sid="([^"{}]+)"', path.read_text(encoding="utf-8"))
    }
    assert used and used <= PAGE_IDS, f"add {sorted(used - PAGE_IDS)} to articles.markdown.PAGE_IDS"


def test_raw_html_may_not_use_the_pages_ids(render):
    html = render('<h2 id="main">A</h2>\n\n<h2 id="content">B</h2>\n\n<h2 id="own">C</h2>')
    assert html == '<h2>A</h2>\n<h2>B</h2>\n<h2 id="own">C</h2>'


def test_many_repeated_headings_render_in_linear_time():
    started = time.process_time()
    html = render_markdown("## Notes\n\n" * 20_000)
    assert time.process_time() - started < 5  # about 1 s; counting each suffix up from 1 took 15 s at 10_000
    assert 'id="notes-19999"' in html


# -- 3. links whose address the sanitiser removed ------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        '<a href="javascript:alert(1)">click me</a>',
        "<A HREF='JaVaScRiPt:alert(1)' title='t'>click me</A>",
        '<a href="&#106;avascript:alert(1)">click me</a>',
        '<a href=" java\tscript:alert(1)">click me</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">click me</a>',
        '<a href="vbscript:msgbox(1)">click me</a>',
        "[click me](ftp://files.example.com/x)",
        "<a>click me</a>",
    ],
)
def test_a_link_without_an_address_is_just_its_text(render, link):
    html = render(f"Before {link} after.")
    assert html == "<p>Before click me after.</p>"


def test_links_with_an_address_or_an_id_stay(render):
    html = render(
        '[ok](https://example.com/) <a href="#part">part</a> <a id="here">target</a> '
        '<a href="javascript:x"><em>gone</em></a> see[^1]\n\n[^1]: Note.'
    )
    assert '<a href="https://example.com/">ok</a>' in html
    assert '<a href="#part">part</a>' in html
    assert '<a id="here">target</a>' in html
    assert " <em>gone</em> " in html
    assert '<a href="#fn1" id="fnref1">[1]</a>' in html
    assert '<a href="#fnref1" class="footnote-backref">' in html
    assert "<a>" not in html


def test_nested_links_lose_only_the_dead_one(render):
    html = render('<a href="https://example.com/">a <object><a href="javascript:x">b</a></object> c</a>')
    assert "<a>" not in html and "</a></a>" not in html
    assert '<a href="https://example.com/">a ' in html
    assert " b" in html and html.count("</a>") == html.count("<a ")


# -- 4. bare URLs -----------------------------------------------------------------------


def test_bare_urls_in_text_become_links(render):
    html = render(
        "See https://example.com/a_b?x=1&y=2, www.example.org/path. and http://example.net.\n\n"
        "Write to editor@example.com or (https://en.wikipedia.org/wiki/Foo_(bar))."
    )
    assert links(html) == [
        ("https://example.com/a_b?x=1&amp;y=2", "https://example.com/a_b?x=1&amp;y=2"),
        ("https://www.example.org/path", "www.example.org/path"),
        ("http://example.net", "http://example.net"),
        ("mailto:editor@example.com", "editor@example.com"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ]
    assert html.endswith(")</a>).</p>")


@pytest.mark.parametrize(
    "text",
    [
        "`https://example.com/` and `www.example.com`",
        "```\nhttps://example.com/\n```",
        "    https://example.com/ indented",
        "[see https://example.com/a](https://example.com/b)",
        '<a href="https://example.com/b">www.example.com/a</a>',
        "<https://example.com/b>",
        "https\\://example.com/ escaped",
        "README.md, setup.py, example.com and cdn.www.example.com are names, not links",
        "version 1.2.3 and a@b and @handle",
        "javascript:alert(1) and ftp://example.com/ and //example.com/",
    ],
)
def test_urls_in_code_links_or_escapes_and_bare_names_are_not_linked_again(render, text):
    html = render(text)
    assert len(links(html)) <= 1  # the link written as one, if any
    for href, _ in links(html):
        assert href in {"https://example.com/b"}


def test_bare_urls_go_through_the_sanitiser(render):
    html = render('www.example.com/"onmouseover="alert(1) and https://example.com/<script>')
    assert "<script" not in html and not re.search(r"<[^>]*\sonmouseover", html)
    assert '<a href="https://www.example.com/%22onmouseover=%22alert(1)">' in html


def test_escaped_text_links_its_urls_as_the_text_would(render):
    """escape_markdown writes importers' text: its backslashes are never part of an address."""
    text = "Read https://example.com/a_b*c_ and www.example.com/x_y or mail first_last@example.com today."
    page = f"Title\n\nTitle\n\nFirst paragraph.\n\n{text}\n\nLast paragraph of the body."
    body = parse_scraped(page, import_key="k", location="page.txt").body
    assert "\\_" in body  # escaped
    html = render(body)
    assert links(html) == [
        ("https://example.com/a_b*c_", "https://example.com/a_b*c_"),
        ("https://www.example.com/x_y", "www.example.com/x_y"),
        ("mailto:first_last@example.com", "first_last@example.com"),
    ]
    assert "\\" not in html


def test_an_imported_scraped_page_shows_its_bare_urls_as_links(client, run_import, write):
    text = "Our notes are at https://example.com/notes_2024 and www.example.org/a_b for now."
    run_import(write("page.txt", f"Imported\n\nImported\n\n{text}\n\nThe last paragraph of the body.\n"))
    article = Article.objects.get(title="Imported")
    html = body_of(client.get(article.get_absolute_url()).content.decode())
    assert links(html) == [
        ("https://example.com/notes_2024", "https://example.com/notes_2024"),
        ("https://www.example.org/a_b", "www.example.org/a_b"),
    ]


@pytest.mark.parametrize(
    "unit",
    ["http://a.", "https://", "www.a.", "www. ", "a@b.com ", "a_b@", "mailto:", "https://x.co/a\\_", "@www."],
)
def test_many_url_like_strings_render_in_linear_time(unit):
    text = unit * (100_000 // len(unit))
    started = time.process_time()
    render_markdown(text)
    # About a second at most; markdown-it's own rule took 40 s on the first (it rereads the text before "//").
    assert time.process_time() - started < 8


# -- 5. right-to-left text ---------------------------------------------------------------

ARABIC = "مرحبا بالعالم"
HEBREW = "שלום עולם"


def test_right_to_left_blocks_take_their_direction_from_their_text(render):
    html = render(
        f"{ARABIC}\n\n## {HEBREW}\n\n- {ARABIC}\n- English item\n\n> {HEBREW}\n>\n> English too\n\n"
        f"| {ARABIC} | x |\n|--|--|\n| 1 | 2 |\n\nTerm\n: {ARABIC}\n\nEnglish with one word, {ARABIC}.\n\n"
        "Plain English."
    )
    assert f'<p dir="auto">{ARABIC}</p>' in html
    assert f'<h2 id="{HEBREW.replace(" ", "-")}" dir="auto">{HEBREW}</h2>' in html
    assert f'<ul dir="auto">\n<li>{ARABIC}</li>\n<li>English item</li>' in html  # items follow their list
    assert f'<blockquote dir="auto">\n<p>{HEBREW}</p>\n<p>English too</p>' in html
    assert '<table dir="auto">' in html and "<th>" in html
    assert '<dl dir="auto">' in html
    assert f'<p dir="auto">English with one word, {ARABIC}.</p>' in html  # the browser: left to right
    assert "<p>Plain English.</p>" in html
    assert html.count('dir="auto"') == 7


def test_right_to_left_footnotes_take_their_direction_too(render):
    html = render(f"{ARABIC}[^1]\n\n[^1]: {ARABIC}")
    assert '<ol class="footnotes-list" dir="auto">' in html


def test_only_dir_auto_is_kept_from_raw_html(render):
    html = render('<p dir="rtl">a</p>\n\n<p DIR="Auto">b</p>\n\n<div dir="ltr">c</div>')
    assert html == '<p>a</p>\n<p dir="auto">b</p>\n<div>c</div>'


def test_right_to_left_titles_and_excerpts(client, make_article):
    article = make_article(title=ARABIC, summary=HEBREW, body=f"{ARABIC}.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<h1 dir="auto">{ARABIC}</h1>' in page
    assert f'<p dir="auto">{ARABIC}.</p>' in page
    listing = client.get("/").content.decode()
    assert '<article class="teaser" dir="auto">' in listing
    assert f'<p class="teaser__excerpt" dir="auto">{HEBREW}</p>' in listing


@pytest.mark.parametrize(("code", "lang"), [("en-us", "en"), ("ar", "ar"), ("he", "he"), ("pt-br", "pt-br")])
def test_the_pages_language_is_the_sites(client, make_article, settings, code, lang):
    settings.LANGUAGE_CODE = code
    page = public_page(client, make_article, "Text.")
    assert f'<html lang="{lang}">' in page
    assert f'<html lang="{lang}">' in client.get("/").content.decode()
