"""The one Markdown renderer: the admin preview and the public page both use it.

Python-Markdown turns the text into HTML; nh3 (an allow-list sanitiser) then keeps
only the tags, attributes and URL schemes listed here, so an editor's or an
importer's raw HTML can never add script, event handlers, styles, frames or forms.
"""

import re
import threading

import markdown
import nh3

EXTENSIONS = [
    "markdown.extensions.tables",
    "markdown.extensions.fenced_code",
    "markdown.extensions.footnotes",
    "markdown.extensions.def_list",
    "markdown.extensions.abbr",
    "markdown.extensions.sane_lists",
    "markdown.extensions.toc",
]
EXTENSION_CONFIGS = {
    "markdown.extensions.toc": {"permalink": False},
    # align="" instead of style="", because style attributes are not allowed.
    "markdown.extensions.tables": {"use_align_attribute": True},
}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
    "code": {"class"},
    "div": {"class"},
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Classes the renderer itself produces; anything else is dropped.
_ALLOWED_CLASSES = {"footnote", "footnote-ref", "footnote-backref"}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if c in _ALLOWED_CLASSES or (tag == "code" and c.startswith("language-"))]
        return " ".join(kept) or None
    return value


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a Markdown instance costs more than rendering a short article, and
    # instances are not thread-safe: keep one per thread and reset it between uses.
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    return md.reset()


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
    return sanitize_html(_below_title(_converter().convert(text or "")))
