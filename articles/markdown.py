"""The one Markdown renderer: the admin preview and the public page both use it.

markdown-it-py (CommonMark, plus tables, strikethrough, footnotes, definition lists
and heading ids) turns the text into HTML in linear time, so no input can stall a
worker; nesting deeper than the limits below is shown flatter, never dropped. nh3
(an allow-list sanitiser) then keeps only the tags, attributes and URL
schemes listed here, so an editor's or an importer's raw HTML can never add script,
event handlers, styles, frames or forms.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .text import LINK_SCHEMES

# Nesting limits. Real articles nest a few levels. Past a limit nothing is dropped: the
# rest is shown with less structure, or as the text it was written as; and parsing stays
# linear in time and shallow in Python's stack.
# Blocks: a list level counts 2 (the list and its item), a quote or footnote 1. Deeper,
# the rest of the quote or item is paragraphs (and code, headings...): "> > x" shows "> x".
# Each level costs a pass over a line that opens it, as in "- - - - x".
BLOCK_MAX_NESTING = 32
# Inline: each "[" inside a link's text ("[a [b] c](url)") counts 1, as does a link. Deeper,
# "[" is text. markdown-it looks up to this many brackets ahead for each "[" ("[[[[...").
INLINE_MAX_NESTING = 10
# Emphasis, strong and strikethrough nested deeper than this in a paragraph ("*" * 1000 +
# "x" + "*" * 1000) show their markers ("*", "~~") as text; a link that deep, just its text.
MAX_INLINE_DEPTH = 20
# Tags open at once in the HTML given to the sanitiser, whose parser spends time in proportion
# to the depth at each tag: raw HTML nested deeper ("<div>" * 100_000) is shown as text.
MAX_HTML_DEPTH = 256

# Block rules that never contain other blocks: what still runs past BLOCK_MAX_NESTING.
_LEAF_BLOCK_RULES = frozenset(
    {"table", "code", "fence", "hr", "reference", "html_block", "heading", "lheading", "paragraph"}
)


class _BlockParser(ParserBlock):
    """markdown-it's block parser, except at the nesting limit.

    At its maxNesting, markdown-it's tokenize() skips every remaining line up to the end
    of the range it was given: for a list item or a footnote that is the end of the
    document, so a list nested 50 deep dropped the rest of the article. Here, past
    BLOCK_MAX_NESTING only leaf rules run: the rest of that quote or list item becomes
    paragraphs (and code, headings...), and the enclosing blocks carry on as usual.
    """

    def __init__(self, ruler):
        self.ruler = ruler  # the configured rules of the parser this one replaces

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        if state.level < BLOCK_MAX_NESTING:
            self._tokenize(state, startLine, endLine, self.ruler.getRules(""))
            return
        tokens_before = len(state.tokens)
        leaf_rules = [rule.fn for rule in self.ruler.__rules__ if rule.enabled and rule.name in _LEAF_BLOCK_RULES]
        self._tokenize(state, startLine, endLine, leaf_rules)
        if len(state.tokens) > tokens_before + 3:  # more than one paragraph
            # Lines that started lists or quotes are paragraphs of their own now, with no blank
            # line between them: in a tight list, whose <p> tags are left out, their words would join.
            state.tight = False

    def _tokenize(self, state: StateBlock, startLine: int, endLine: int, rules) -> None:
        """markdown-it-py 4.3.0's ParserBlock.tokenize, without its skip at maxNesting."""
        line = startLine
        has_empty_lines = False
        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine:
                break
            if state.sCount[line] < state.blkIndent:
                break  # the end of the quote or list item this call parses
            for rule in rules:
                if rule(state, line, endLine, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            else:
                raise RuntimeError("none of the block rules matched")
            # As markdown-it: the block is tight unless an empty line came before it.
            state.tight = not has_empty_lines
            line = state.line
            if (line - 1) < endLine and state.isEmpty(line - 1):
                has_empty_lines = True
            if line < endLine and state.isEmpty(line):
                has_empty_lines = True
                line += 1
                state.line = line


# markdown-it reads maxNesting only in the inline parser once the block parser is ours.
_md = (
    MarkdownIt("commonmark", {"html": True, "maxNesting": INLINE_MAX_NESTING})
    .enable(["table", "strikethrough"])
    .use(footnote_plugin)
    .use(deflist_plugin)
    .use(anchors_plugin, min_level=1, max_level=6)
)
_md.block = _BlockParser(_md.block.ruler)


def _flatten_deep_inline(state: StateCore) -> None:
    """Inline tags nested deeper than MAX_INLINE_DEPTH become the text of their markers ("**", "~~")."""
    for block_token in state.tokens:
        open_tags: list[bool] = []  # for each open inline tag: is it made text?
        for token in block_token.children or ():
            if token.nesting == 1:
                as_text = len(open_tags) >= MAX_INLINE_DEPTH
                open_tags.append(as_text)
            elif token.nesting == -1:
                as_text = open_tags.pop() if open_tags else False
            else:
                continue
            if as_text:
                token.type, token.tag, token.nesting, token.content = "text", "", 0, token.markup


# Last, after footnote_tail has put inline footnotes' tokens in the document.
_md.core.ruler.push("flatten_deep_inline", _flatten_deep_inline)

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
        limit_html_depth(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


# A start or end tag, roughly: attribute values holding "<" or ">" may cut it short, which
# only matters past MAX_HTML_DEPTH. Stopping at "<" keeps the scan linear on "<a <a <a".
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
# Elements that never stay open around others of their kind: void ones (<br>), and ones an
# HTML parser closes when the next starts (<p>, <li>, <td>...). They do not add depth.
_FLAT_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "caption",
        "colgroup", "option", "optgroup", "rb", "rp", "rt", "rtc",
    }
)  # fmt: skip


def limit_html_depth(html: str) -> str:
    """`html` with tags nested deeper than MAX_HTML_DEPTH shown as text ("<div>" as &lt;div&gt;).

    markdown-it passes raw HTML through, so "<div>" * 100_000 reaches the sanitiser, whose
    parser then spends minutes; a start tag past the limit, and its end tag, become text.
    """
    open_tags: list[str] = []
    excess: dict[str, int] = {}  # start tags shown as text, whose end tags are still to come
    as_text: list[int] = []  # where those tags start
    for match in _TAG_RE.finditer(html):
        name = match.group(2).lower()
        if name in _FLAT_ELEMENTS:
            continue
        if match.group(1):  # an end tag
            if excess.get(name):
                excess[name] -= 1
                as_text.append(match.start())
            elif name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
        elif len(open_tags) < MAX_HTML_DEPTH:
            open_tags.append(name)
        else:
            excess[name] = excess.get(name, 0) + 1
            as_text.append(match.start())
    if not as_text:
        return html
    parts, last = [], 0
    for start in as_text:
        parts += [html[last:start], "&lt;"]
        last = start + 1
    parts.append(html[last:])
    return "".join(parts)


_HEADING_TAG_RE = re.compile(r"<(/?)h([1-6])\b")


def _below_title(html: str) -> str:
    """The article title is the page's only <h1>: a body that uses "# " moves every heading one level down."""
    if "<h1" not in html:
        return html
    return _HEADING_TAG_RE.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html)


def render_markdown(text: str) -> str:
    """Markdown source to sanitised HTML. Also django-markdownx's MARKDOWNIFY_FUNCTION."""
    return sanitize_html(_below_title(_md.render(text or ""))).strip()
