"""Deeply nested Markdown: no text is dropped, rendering stays fast, Python's stack stays shallow.

markdown-it stops at its nesting limit and skips the rest of the document (for a list item
or footnote, the range it skips runs to the end of the article), so a list nested 50 deep
used to remove every paragraph after it. Past our limits the rest renders flatter, as text.

Bounds on time here guard against quadratic blow-ups, not speed: they count this process's CPU time
(time.process_time), so a busy machine does not fail them; bench/render_bench.py measures speed.
"""

import html
import re
import sys
import time

import pytest

from articles.markdown import BLOCK_MAX_NESTING, MAX_HTML_DEPTH, MAX_INLINE_DEPTH, render_markdown

PREVIEW = "/markdownx/markdownify/"
SENTINEL = "Sentinel paragraph after the nesting."
# Words of the nested text that must show: one per level, and the innermost.
WORD_RE = re.compile(r"\blevel\d+\b|\bdeepest\b")


def nested(kind: str, depth: int) -> str:
    """`depth` levels of one kind of nesting, with a word at each level where the syntax allows."""
    levels = range(depth)
    return {
        "indented list": "".join("  " * i + f"- level{i}\n" for i in levels),
        "one-line list": "- " * depth + "deepest",
        "ordered list": "".join("   " * i + f"1. level{i}\n" for i in levels),
        "quote": "> " * depth + "deepest",
        "quote lines": "".join(">" * (i + 1) + f" level{i}\n" for i in levels),
        "quotes in a list": "- > " * depth + "deepest",
        "footnote definitions": "[^a]: " * depth + "deepest\n\nSee the note[^a].",
        "emphasis": "".join(f"*level{i} " for i in levels) + "deepest" + " end*" * depth,
        "strong": "**" * depth + "deepest" + "**" * depth,
        "strikethrough": "x " + "~~" * depth + "deepest" + "~~" * depth,
        "link brackets": "".join(f"[level{i} " for i in levels) + "deepest" + "](https://example.com/)" * depth,
        "unclosed brackets": "".join(f"[level{i} " for i in levels) + "deepest",
        "images": "![" * depth + "alt" + "](/i.png)" * depth + " deepest",
        "inline footnotes": "".join(f"^[level{i} " for i in levels) + "deepest" + "]" * depth,
        "emphasis and links": "*[" * depth + "deepest" + "](/x)*" * depth,
        "raw HTML": "".join(f"<div>level{i} " for i in levels) + "deepest" + "</div>" * depth,
    }[kind]


KINDS = [
    "indented list", "one-line list", "ordered list", "quote", "quote lines", "quotes in a list",
    "footnote definitions", "emphasis", "strong", "strikethrough", "link brackets", "unclosed brackets",
    "images", "inline footnotes", "emphasis and links", "raw HTML",
]  # fmt: skip
# Forms whose size grows with the square of the depth (indentation, one more ">" a line) stop at 1000.
SQUARE_SIZED = {"indented list", "ordered list", "quote lines"}


def visible_text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def body_with_sentinel(kind: str, depth: int) -> str:
    return f"Before the nesting.\n\n{nested(kind, depth)}\n\n{SENTINEL}\n"


def assert_keeps_all_text(source: str, rendered: str) -> None:
    text = visible_text(rendered)
    assert SENTINEL in text
    assert "Before the nesting." in text
    missing = set(WORD_RE.findall(source)) - set(WORD_RE.findall(text))
    assert not missing, f"{len(missing)} words dropped, such as {sorted(missing)[:3]}"


@pytest.mark.parametrize("depth", [50, 100, 1000])
@pytest.mark.parametrize("kind", KINDS)
def test_preview_keeps_the_text_after_and_inside_deep_nesting(client, editor, kind, depth):
    client.force_login(editor)
    source = body_with_sentinel(kind, depth)
    response = client.post(PREVIEW, {"content": source})
    assert response.status_code == 200
    assert_keeps_all_text(source, response.content.decode())


@pytest.mark.parametrize("depth", [50, 100, 1000])
@pytest.mark.parametrize("kind", KINDS)
def test_public_page_keeps_the_text_after_and_inside_deep_nesting(client, make_article, kind, depth):
    source = body_with_sentinel(kind, depth)
    article = make_article(title="Deep", body=source)
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    body = page[page.index("Before the nesting.") :]  # the page around the article is not the body
    assert_keeps_all_text(source, body)


def test_a_list_nested_past_the_limit_keeps_its_structure_up_to_it():
    html_ = render_markdown(nested("indented list", 60) + f"\n{SENTINEL}")
    assert html_.count("<ul>") == BLOCK_MAX_NESTING // 2  # each level is a list and an item
    assert "<p>" + SENTINEL + "</p>" in html_
    # Past the limit the items are text: what was written, markers included.
    assert "- level16" in html.unescape(html_)


def test_quote_past_the_limit_shows_its_markers_as_text():
    html_ = render_markdown("> " * (BLOCK_MAX_NESTING + 3) + "deepest")
    assert html_.count("<blockquote>") == BLOCK_MAX_NESTING
    assert "<p>&gt; &gt; &gt; deepest</p>" in html_


def test_emphasis_past_the_limit_shows_its_markers_as_text():
    depth = MAX_INLINE_DEPTH + 5
    html_ = render_markdown("x " + "~~" * depth + "deepest" + "~~" * depth)
    assert html_.count("<s>") == MAX_INLINE_DEPTH
    assert "~~" * 5 + "deepest" + "~~" * 5 in html_


def test_raw_html_past_the_limit_shows_its_tags_as_text():
    depth = MAX_HTML_DEPTH + 2
    html_ = render_markdown("<div>" * depth + "deepest" + "</div>" * depth)
    assert html_.count("<div>") == MAX_HTML_DEPTH
    assert html_.count("&lt;div&gt;") == 2 and html_.count("&lt;/div&gt;") == 2
    assert "deepest" in html_


def test_nesting_within_the_limits_renders_as_before():
    html_ = render_markdown("- a\n  - b\n    - c\n\n> q\n> > r\n\n***s*** [t [u]](/v) ~~w~~")
    assert html_.count("<ul>") == 3 and html_.count("<blockquote>") == 2
    assert "<em><strong>s</strong></em>" in html_
    assert '<a href="/v">t [u]</a>' in html_
    assert "<s>w</s>" in html_


def _compact(kind: str, depth: int) -> str:
    if kind in SQUARE_SIZED:
        return {"indented list": "- " * depth, "ordered list": "1. " * depth, "quote lines": ">" * depth}[kind] + "x"
    return nested(kind, depth)


def _frames() -> int:
    frame, count = sys._getframe(), 0
    while frame:
        frame, count = frame.f_back, count + 1
    return count


@pytest.mark.parametrize("kind", KINDS)
def test_ten_thousand_levels_render_fast_in_a_shallow_stack(kind):
    source = _compact(kind, 10_000) + f"\n\n{SENTINEL}"
    limit = sys.getrecursionlimit()
    # Rendering needs under 150 frames of Python's stack whatever the nesting (about 70 are used).
    sys.setrecursionlimit(_frames() + 150)
    try:
        started = time.process_time()
        rendered = render_markdown(source)
        elapsed = time.process_time() - started
    finally:
        sys.setrecursionlimit(limit)
    assert SENTINEL in visible_text(rendered)
    assert elapsed < 3, f"{elapsed:.1f}s"  # about 0.5 s at most on a laptop
