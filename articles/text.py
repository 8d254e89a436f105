"""Small text helpers shared by the model and the importers."""

import html
import re

from django.utils.text import slugify

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def collapse_whitespace(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def strip_tags(fragment: str) -> str:
    return collapse_whitespace(html.unescape(_TAG_RE.sub("", fragment)))


def truncate_words_at(text: str, limit: int) -> str:
    """Cut at a word boundary so that the result, with its ellipsis, fits in `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def first_paragraph_text(rendered_html: str, limit: int = 300) -> str:
    """Plain text of the first non-empty paragraph of rendered HTML, shortened to `limit`."""
    for match in _PARAGRAPH_RE.finditer(rendered_html):
        text = strip_tags(match.group(1))
        if text:
            return truncate_words_at(text, limit)
    return truncate_words_at(strip_tags(rendered_html), limit)


def make_slug(text: str, max_length: int) -> str:
    """ASCII slug where possible; titles in other scripts keep their letters."""
    slug = slugify(text) or slugify(text, allow_unicode=True)
    return slug[:max_length].strip("-")


def normalise_title(title: str) -> str:
    """Key for matching titles regardless of case, spacing and curly quotes."""
    title = title.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return collapse_whitespace(title).casefold()


def normalise_newlines(text: str) -> str:
    """\\r\\n (browsers' textareas, Windows files) and lone \\r (old Mac files) become \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_body(body: str) -> str:
    """An article body as stored: \n line endings, no blank lines before or after it.

    Only whole blank lines go at the start: the first line's indentation may be an indented code block.
    """
    lines = normalise_newlines(body).split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip(" \t"):
        start += 1
    return "\n".join(lines[start:]).rstrip(" \t\n")
