"""Text rules shared by the model, the renderer and the importers: each has its one home here."""

import html
import re
import unicodedata

from django.utils.text import slugify

_TAG_RE = re.compile(r"<[^>]+>")
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def collapse_whitespace(text: str) -> str:
    # split() splits on the characters \s matches, and is about ten times faster than a regex over a whole body.
    return " ".join(text.split())


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


# Latin letters that do not decompose into a base letter and an accent, so ASCII folding would drop them.
_LATIN_LETTERS = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                                "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
                                "ı": "i"})  # fmt: skip


def make_slug(text: str, max_length: int) -> str:
    """ASCII slug when every letter has an ASCII form (Café → cafe, Straße → strasse); otherwise
    the letters are kept (Тревога → тревога), never silently dropped (Café Москва keeps both)."""
    text = text.translate(_LATIN_LETTERS)
    unicode_slug = slugify(text, allow_unicode=True)
    without_accents = "".join(c for c in unicodedata.normalize("NFKD", unicode_slug) if not unicodedata.combining(c))
    slug = slugify(text) if without_accents.isascii() else unicode_slug
    return slug[:max_length].strip("-_")


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


# -- URLs ------------------------------------------------------------------------

# The schemes a link or image in an article may use: the sanitiser keeps only these.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# The schemes of a web page's address (canonical URLs, links between pages).
WEB_SCHEMES = frozenset({"http", "https"})
_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_TAB_OR_NEWLINE_RE = re.compile(r"[\t\n\r]")
_C0_CONTROL_OR_SPACE = "".join(map(chr, range(0x21)))


def url_scheme(url: str) -> str:
    """The URL's scheme in lower case, "" for a relative URL.

    Read as a browser reads it: tabs and newlines anywhere, and control characters or
    spaces around it, are ignored, so " Java\\tScript:x" is a javascript: URL.
    """
    match = _SCHEME_RE.match(_TAB_OR_NEWLINE_RE.sub("", url).strip(_C0_CONTROL_OR_SPACE))
    return match.group(1).lower() if match else ""


def is_web_url(url: str) -> bool:
    """An absolute http(s) address."""
    return url_scheme(url) in WEB_SCHEMES


# -- Markdown ----------------------------------------------------------------------

# Anywhere in a line: backslash escapes, code spans, emphasis, links, images and footnotes,
# table cells, strikethrough ("~" also starts fences and definitions).
_MARKDOWN_INLINE_RE = re.compile(r"[\\`*_\[|~]")
# "&copy;" and "&#169;" are entities in Markdown; "AT&T" and "&" alone are text already.
_ENTITY_START_RE = re.compile(r"&(?=#?\w+;)")
# What makes a line more than text, at its start after any indentation.
_MARKDOWN_LINE_START_RE = re.compile(
    r"""^(?P<indent>[^\S\n]*)
    (?:
        (?P<number>\d+)(?P<delimiter>[.)])(?=\s|$)  # an ordered list item: "1. ", "2)"
      | (?P<marker>
            \#(?=\#{0,5}(?:\s|$))  # an ATX heading: one to six "#", then a space
          | [-+=](?=\s|$)  # a bullet list item ("*" is escaped everywhere)
          | [-=](?=[-=\ \t]*$)  # a thematic break or setext underline: "---", "-- -", "==="
          | >  # a quote
          | :(?=[\ \t])  # a definition, below its term
        )
    )""",
    re.MULTILINE | re.VERBOSE,
)


def escape_markdown(text: str, *, in_link_text: bool = True) -> str:
    """Plain text to Markdown that articles.markdown.render_markdown shows as exactly that text.

    It escapes more than the minimum (every "[", "|" and "~"; "-" or ":" starting a line),
    as an escaped punctuation character always shows as itself. "]" is escaped too, as in
    a link's text it would end the link ("[see [1]](url)"); in_link_text=False leaves it
    alone, for text that will not be put between brackets: with every "[" escaped, a "]"
    is text already. Indentation is kept, so text that starts with a tab or four spaces
    (the importers' never do) still shows as written, but as an indented code block.
    """
    text = _MARKDOWN_INLINE_RE.sub(r"\\\g<0>", text)
    if in_link_text:
        text = text.replace("]", r"\]")
    # Raw HTML and entities pass through Markdown; as text they are escaped.
    text = _ENTITY_START_RE.sub("&amp;", text).replace("<", "&lt;")
    return _MARKDOWN_LINE_START_RE.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match) -> str:
    indent, number, delimiter, marker = match.group("indent", "number", "delimiter", "marker")
    if number:  # "1." -> "1\.": the escape goes on the dot or parenthesis after the number
        return f"{indent}{number}\\{delimiter}"
    return f"{indent}\\{marker}"


# Characters that take no space on the page: zero-width space and joiners, word joiner, BOM, soft hyphen.
_INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# Control characters other than tab, newline and carriage return: never meant in text someone typed.
_CONTROL_CHARS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_visible_text(text: str) -> bool:
    """Whether a reader would see anything: not only spaces (of any kind) and zero-width characters."""
    return bool(_INVISIBLE_RE.sub("", text).strip())


def strip_control_chars(text: str) -> str:
    return _CONTROL_CHARS_RE.sub("", text)
