"""The one Markdown renderer: the admin preview and the public page both use it.

markdown-it-py (CommonMark, plus tables, strikethrough, footnotes, definition lists
and heading ids) turns the text into HTML in linear time, so no input can stall a
worker; nh3 (an allow-list sanitiser) then keeps only the tags, attributes and URL
schemes listed here, so an editor's or an importer's raw HTML can never add script,
event handlers, styles, frames or forms.
"""

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

# Deeper nesting than this is not parsed further; real articles nest a few levels.
MAX_NESTING = 100

_md = (
    MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(deflist_plugin)
    .use(anchors_plugin, min_level=1, max_level=6)
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id", "class"},
    "ol": {"start", "class"},
    "sup": {"class"},
    "section": {"class"},
    "hr": {"class"},
    "code": {"class"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Classes the renderer itself produces (footnotes, code languages); anything else is dropped.
_ALLOWED_CLASSES = {"footnote-ref", "footnote-backref", "footnotes", "footnotes-list", "footnotes-sep", "footnote-item"}
# The one style kept: a table column's alignment, as the table syntax writes it.
_ALIGN_STYLE_RE = re.compile(r"text-align:\s*(left|right|center)\s*;?")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if c in _ALLOWED_CLASSES or (tag == "code" and c.startswith("language-"))]
        return " ".join(kept) or None
    if attribute == "style":
        return value if _ALIGN_STYLE_RE.fullmatch(value.strip()) else None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


_HEADING_TAG_RE = re.compile(r"<(/?)h([1-6])\b")


def _below_title(html: str) -> str:
    """The article title is the page's only <h1>: a body that uses "# " moves every heading one level down."""
    if "<h1" not in html:
        return html
    return _HEADING_TAG_RE.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html)


def render_markdown(text: str) -> str:
    """Markdown source to sanitised HTML. Also django-markdownx's MARKDOWNIFY_FUNCTION."""
    return sanitize_html(_below_title(_md.render(text or ""))).strip()
