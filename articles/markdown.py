"""The one Markdown renderer: the admin preview and the public page both use it.

markdown-it-py (CommonMark, plus tables, strikethrough, footnotes, definition lists,
heading ids and bare URLs as links) turns the text into HTML in linear time, so no input
can stall a worker; nesting deeper than the limits below is shown flatter, never dropped.
nh3 (an allow-list sanitiser) then keeps only the tags, attributes and URL schemes listed
here, so an editor's or an importer's raw HTML can never add script, event handlers,
styles, frames or forms. Last, headings move below the page's title and links whose
address the sanitiser removed become their text.

What the page around the body relies on: heading ids never repeat one of the page's own
(PAGE_IDS) nor each other, and are never empty; the body has no <h1>; a top-level block
(paragraph, heading, list, quote, table, footnotes) with right-to-left letters in it has
dir="auto", so Arabic or Hebrew text reads from the right in a left-to-right page.
"""

import re

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.common.utils import isLinkClose, isLinkOpen, unescapeAll
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import render_footnote_block_open

from images.markup import picture_html
from images.references import ImageRef

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


# -- Bare URLs -------------------------------------------------------------------------
# "https://…", "http://…", "www.example.com" and e-mail addresses in text become links; in
# code, and in a link's text, they stay as written. Names without "www." ("example.com",
# "setup.py", "README.md") stay text: linkify-it would guess from their endings.
# Extra endings for e-mail addresses, besides linkify-it's (com, org, net..., two letters).
_EMAIL_DOMAIN_ENDINGS = ["app", "blog", "cloud", "dev", "email", "online", "page", "site", "store", "tech", "xyz"]


class _Linkify(LinkifyIt):
    """linkify-it for the links above: http(s):, mailto:, "www." and e-mail addresses; no ftp: or "//"."""

    def __init__(self):
        super().__init__(options={"fuzzy_link": False, "fuzzy_email": True, "fuzzy_ip": False})
        self.add("ftp:", None).add("//", None)
        self.add("www.", {"validate": self._validate_www, "normalize": self._normalize_www})
        self.tlds(_EMAIL_DOMAIN_ENDINGS, keep_old=True)

    def _validate_www(self, text: str, pos: int) -> int:
        """The length of the address after "www." at `pos` ("example.com/a", a dot at least), or 0."""
        if pos > 4 and text[pos - 5] in ".-_@/:":  # inside a longer name: "cdn.www.example.com"
            return 0
        if "www" not in self.re:  # compiled after _compile(), which rebuilds self.re
            self.re["www"] = re.compile(
                rf"(?:(?:{self.re['src_domain']})\.)+{self.re['src_domain_root']}"
                + self.re["src_port"]
                + self.re["src_host_terminator"]
                + self.re["src_path"],
                re.IGNORECASE,
            )
        match = self.re["www"].match(text, pos)
        return len(match.group()) if match else 0

    def _normalize_www(self, match) -> None:
        match.url = "https://" + match.url  # as Django's urlize with URLIZE_ASSUME_HTTPS, its coming default


def _linkify_scheme(state: StateInline, silent: bool) -> bool:
    """markdown-it's inline linkify rule ("https://…" in text), reading the address as Markdown does.

    Backslash escapes and entities in it are the characters they stand for, as in a link's
    address: "https://example.com/a\\_b", as escape_markdown writes an importer's text, is
    https://example.com/a_b. Inline, so "*" and "_" in an address never start emphasis.
    """
    if state.linkLevel > 0:
        return False
    pos = state.pos
    if pos + 3 > state.posMax or state.src[pos] != ":" or state.src[pos + 1 : pos + 3] != "//":
        return False
    # The last characters of the text before ":" only: markdown-it reads all of it, every time,
    # which takes minutes on "http://a." * 20_000, where no link ends the text before.
    scheme = _SCHEME_BEFORE_RE.search(state.pending[-6:])
    if not scheme:
        return False
    proto = scheme.group(1)
    length = state.md.linkify.test_schema_at(state.src, proto + ":", pos + 1)  # the rest, "//host/path"
    if not length:
        return False
    raw = state.src[pos - len(proto) : pos + 1 + length].rstrip("*")  # as markdown-it: "*" after it closes emphasis
    trailing_backslashes = len(raw) - len(raw.rstrip("\\"))
    if trailing_backslashes % 2:  # the escape of what follows the address ("…/a\\*"), not part of it
        raw = raw[:-1]
    url = unescapeAll(raw)
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(proto)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup, token.info = "linkify", "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(raw) - len(proto)
    return True


# "http" or "https" at the end of the text before "://", not the end of a longer scheme (RFC
# 3986: letters, digits, "+", "-", "."): the schemes of _Linkify that are followed by "//".
_SCHEME_BEFORE_RE = re.compile(r"(?:^|[^a-z0-9.+-])(https?)$", re.IGNORECASE)
# What the text rule (_linkify_text) links: "https://…" in text is _linkify_scheme's, or
# was written "https\\://…" to stay text.
_TEXT_LINK_SCHEMES = frozenset({"www.", "mailto:"})


def _may_hold_text_link(text: str) -> bool:
    """Whether `text` has "@" or "www." in any case. linkify-it's own pretest() and test() look
    for every kind of link with large Unicode classes: they took as long as the rest of the
    rendering. Plain substring tests are many times faster than any regular expression here.
    """
    return "@" in text or "ww." in text or "WW." in text or "wW." in text or "Ww." in text


def _linkify_text(state: StateCore) -> None:
    """Addresses starting "www." and e-mail addresses in text become links.

    After text_join, so a backslash escape is already the character it stands for:
    "www.example.com/a\\_b" links to https://www.example.com/a_b, as the text it came from would.
    """
    for block_token in state.tokens:
        if block_token.type != "inline" or not block_token.children or not _may_hold_text_link(block_token.content):
            continue
        children: list[Token] = []
        link_level = html_link_level = 0
        changed = False
        for token in block_token.children:
            if token.type == "link_open":
                link_level += 1
            elif token.type == "link_close":
                link_level -= 1
            elif token.type == "html_inline":
                if isLinkOpen(token.content):
                    html_link_level += 1
                elif isLinkClose(token.content) and html_link_level:
                    html_link_level -= 1
            elif token.type == "text" and not link_level and not html_link_level and _may_hold_text_link(token.content):
                nodes = _text_with_links(state, token)
                if nodes is not None:
                    children += nodes
                    changed = True
                    continue
            children.append(token)
        if changed:
            block_token.children = children


def _text_with_links(state: StateCore, token: Token) -> list[Token] | None:
    text, level = token.content, token.level
    nodes: list[Token] = []
    last = 0
    for link in state.md.linkify.match(text) or ():
        if link.schema not in _TEXT_LINK_SCHEMES:
            continue
        full_url = state.md.normalizeLink(link.url)
        if not state.md.validateLink(full_url):
            continue
        if link.index > last:
            nodes.append(_text_token(text[last : link.index], level))
        link_open = Token("link_open", "a", 1, attrs={"href": full_url}, markup="linkify", info="auto", level=level)
        nodes.append(link_open)
        nodes.append(_text_token(state.md.normalizeLinkText(link.text), level + 1))
        nodes.append(Token("link_close", "a", -1, markup="linkify", info="auto", level=level))
        last = link.last_index
    if not nodes:
        return None
    if last < len(text):
        nodes.append(_text_token(text[last:], level))
    return nodes


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


# -- Heading ids -------------------------------------------------------------------------
# The ids the page around the body uses: templates/ (the skip link's "#main"), and the admin's
# change form, where the editor's preview shows the body. A heading id never takes one.
PAGE_IDS = frozenset(
    {
        "main", "site-search", "toc-heading", "related-heading",
        # django.contrib.admin's layout
        "branding", "container", "content", "content-main", "content-related", "content-start", "footer",
        "header", "logout-form", "nav-filter", "nav-sidebar", "pagination", "site-name", "toggle-nav-sidebar",
        "user-tools",
    }
)  # fmt: skip
# The footnotes' own ids ("fn1", "fnref1", "fnref1:2"): a heading id never takes one either.
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref)?\d+")
# A heading with no letters or digits ("## 🎉", "## ---") gets this, then "section-1"...
FALLBACK_HEADING_ID = "section"
# The slug of mdit_py_plugins' anchors plugin, which made the ids before: the same heading keeps its id.
_SLUG_DROP_RE = re.compile(r"[^\w\u4e00-\u9fff\- ]")
_RAW_ID_RE = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


def _heading_slug(title: str) -> str:
    """The id part of a heading's text, "" when it has no letters or digits ("🎉", "---")."""
    slug = _SLUG_DROP_RE.sub("", title.lower().replace(" ", "-"))
    return slug if slug.strip("-") else ""


def _heading_ids(state: StateCore) -> None:
    """Give every Markdown heading an id from its text ("## First steps": "first-steps").

    As mdit_py_plugins' anchors plugin did (the same slug, "-1", "-2"... for repeats), but the
    ids also never take one of PAGE_IDS, a footnote's, or one written in the body's raw HTML
    ("## Main": "main-1"), and are never empty: headings with no letters or digits get
    FALLBACK_HEADING_ID, after the others, so "## Section" is "section" wherever a "## 🎉" is.
    A suffix is looked for once per heading, not counted up from 1 each time, so a thousand
    "## Notes" stay linear.
    """
    taken = set(PAGE_IDS) | _raw_html_ids(state.tokens)
    next_suffix: dict[str, int] = {}

    def unique(base: str) -> str:
        if base not in taken and not _FOOTNOTE_ID_RE.fullmatch(base):
            taken.add(base)
            return base
        suffix = next_suffix.get(base, 1)
        while f"{base}-{suffix}" in taken:
            suffix += 1
        next_suffix[base] = suffix + 1
        taken.add(f"{base}-{suffix}")
        return f"{base}-{suffix}"

    tokens = state.tokens
    without_slug: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1].children or ()
        slug = _heading_slug("".join(child.content for child in inline if child.type in ("text", "code_inline")))
        if slug:
            token.attrSet("id", unique(slug))
        else:
            without_slug.append(token)
    for token in without_slug:
        token.attrSet("id", unique(FALLBACK_HEADING_ID))


def _raw_html_ids(tokens: list[Token]) -> set[str]:
    """The ids in the raw HTML of a body, as in <h2 id="intro">: generated ids keep clear of them."""
    ids: set[str] = set()
    for token in tokens:
        if token.type == "html_block":
            sources = [token.content]
        elif token.type == "inline" and "<" in token.content and "id" in token.content:
            sources = [child.content for child in token.children or () if child.type == "html_inline"]
        else:
            continue
        for source in sources:
            ids.update(next(filter(None, match.groups()), "") for match in _RAW_ID_RE.finditer(source))
    return ids


# -- Text direction ----------------------------------------------------------------------
# Letters of right-to-left scripts: Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic,
# their presentation forms, and the right-to-left planes past U+FFFF.
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
# The top-level blocks that take dir="auto"; what is inside one follows its direction.
_DIRECTION_BLOCKS = frozenset(
    {"paragraph_open", "heading_open", "bullet_list_open", "ordered_list_open", "blockquote_open", "table_open",
     "dl_open", "footnote_block_open"}
)  # fmt: skip


def _text_direction(state: StateCore) -> None:
    """dir="auto" on each top-level block with right-to-left letters in it.

    The browser then sets the block's direction from its first letter with a direction: an
    Arabic paragraph, list or table reads from the right, an English one with an Arabic word
    in it stays left to right. Only the top level: a list's items, a quote's paragraphs and a
    table's cells follow their block, so a list's markers and a table's columns go on the same
    side as its text (dir="auto" on an element would also hide its text from the one around
    it). Blocks with no such letters are left alone: in the left-to-right page dir="auto"
    changes nothing there.
    """
    block: Token | None = None
    in_footnotes = False  # the footnotes' tokens, at the end, do not all have their levels set
    for token in state.tokens:
        if token.type == "footnote_block_open":
            block, in_footnotes = token, True
        elif token.level == 0 and not in_footnotes:
            block = token if token.nesting == 1 and token.type in _DIRECTION_BLOCKS else None
        elif (
            token.type == "inline"
            and block is not None
            and not token.content.isascii()
            and _RTL_RE.search(token.content)
        ):
            block.attrSet("dir", "auto")
            block = None  # the rest of the block need not be read


def _render_footnote_block_open(self, tokens, idx, options, env) -> str:
    html = render_footnote_block_open(self, tokens, idx, options, env)
    if tokens[idx].attrGet("dir"):
        html = html.replace('<ol class="footnotes-list">', '<ol class="footnotes-list" dir="auto">')
    return html


def _flatten_deep_inline(state: StateCore) -> None:
    """Inline tags nested deeper than MAX_INLINE_DEPTH become the text of their markers ("**", "~~").

    A link becomes just its text: its markup ("autolink", "linkify") is no marker of the source.
    """
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
                marker = "" if token.tag == "a" else token.markup
                token.type, token.tag, token.nesting, token.content = "text", "", 0, marker


def _render_image(self, tokens, idx, options, env) -> str:
    """A library image ("![alt](image:…)", see images/references.py) becomes its responsive <picture>;
    every other image is markdown-it's <img>. The first library image of a body loads at once, the
    rest lazily. All the markup needs is in the reference: no database query."""
    token = tokens[idx]
    ref = ImageRef.parse(token.attrGet("src") or "")
    if ref is None:
        return self.image(tokens, idx, options, env)
    alt = self.renderInlineAsText(token.children or [], options, env)
    eager = not env.get("library_images")
    env["library_images"] = env.get("library_images", 0) + 1
    return picture_html(ref, alt, title=token.attrGet("title") or "", eager=eager)


# markdown-it reads maxNesting only in the inline parser once the block parser is ours.
_md = (
    MarkdownIt("commonmark", {"html": True, "maxNesting": INLINE_MAX_NESTING, "linkify": True})
    .enable(["table", "strikethrough", "linkify"])
    .use(footnote_plugin)
    .use(deflist_plugin)
)
_md.block = _BlockParser(_md.block.ruler)
_md.linkify = _Linkify()
_md.inline.ruler.at("linkify", _linkify_scheme)
_md.core.ruler.disable("linkify")  # _linkify_text, after text_join, instead
# After footnote_tail has put inline footnotes' tokens in the document, and text_join has
# made escapes text; heading ids first, from the headings' text before any of it is a link.
_md.core.ruler.push("heading_ids", _heading_ids)
_md.core.ruler.push("linkify_text", _linkify_text)
_md.core.ruler.push("flatten_deep_inline", _flatten_deep_inline)
_md.core.ruler.push("text_direction", _text_direction)
_md.add_render_rule("footnote_block_open", _render_footnote_block_open)
_md.add_render_rule("image", _render_image)

# "h1" only until _below_title: the body that uses one has its headings moved down a level.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s", "samp", "section", "small", "source", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    # srcset, sizes, loading, decoding, fetchpriority and <picture>/<source>: library images' markup (images/markup.py).
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding", "fetchpriority"},
    "source": {"type", "srcset", "sizes"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id", "class"},
    "ol": {"start", "class"},
    "sup": {"class"},
    "section": {"class"},
    "hr": {"class"},
    "code": {"class"},
}  # fmt: skip
# dir="auto" (and no other direction) on the blocks that hold text: _text_direction writes it
# on the top-level ones, and an editor's raw HTML may have it.
_DIRECTION_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table",
                   "caption", "td", "th", "div", "figcaption", "summary")  # fmt: skip
ALLOWED_ATTRIBUTES |= {tag: ALLOWED_ATTRIBUTES.get(tag, set()) | {"dir"} for tag in _DIRECTION_TAGS}

# Classes the renderer itself produces (footnotes, code languages); anything else is dropped.
_ALLOWED_CLASSES = {"footnote-ref", "footnote-backref", "footnotes", "footnotes-list", "footnotes-sep", "footnote-item"}
# The one style kept: a table column's alignment, as the table syntax writes it.
_ALIGN_STYLE_RE = re.compile(r"text-align:\s*(left|right|center)\s*;?")


# Attributes that take one of a few keywords; <source type> only the two formats renditions use.
_KEYWORD_ATTRIBUTES = {
    "loading": {"lazy", "eager"},
    "decoding": {"async", "sync", "auto"},
    "fetchpriority": {"high", "low", "auto"},
    "type": {"image/avif", "image/webp"},
}
# A srcset candidate: an address on this site or an http(s) one (nh3 checks src and href schemes, not
# srcset's), then a width or density.
_SRCSET_CANDIDATE_RE = re.compile(r"(?:/(?!/)|https?://)[^\s,]+(?:\s+\d+(?:w|(?:\.\d+)?x))?", re.IGNORECASE)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = [c for c in value.split() if c in _ALLOWED_CLASSES or (tag == "code" and c.startswith("language-"))]
        return " ".join(kept) or None
    if attribute == "style":
        return value if _ALIGN_STYLE_RE.fullmatch(value.strip()) else None
    if attribute == "dir":
        return "auto" if value.strip().lower() == "auto" else None
    if attribute in _KEYWORD_ATTRIBUTES:
        value = value.strip().lower()
        return value if value in _KEYWORD_ATTRIBUTES[attribute] else None
    if attribute == "srcset":
        return value if all(_SRCSET_CANDIDATE_RE.fullmatch(c.strip()) for c in value.split(",")) else None
    if attribute == "id":  # raw HTML's: Markdown headings' ids are never empty or one of the page's
        return value if value.strip() and value not in PAGE_IDS else None
    return value


# Elements whose content an HTML parser reads as raw text up to their end tag: one left open
# swallows the rest of the article ("Put your code in a <script> tag…" would end the page there).
_RAW_TEXT_ELEMENTS = "script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext"
# Only "<name" is matched (the "<" is what gets escaped): no scan to the tag's end, so "<script " * 100_000
# stays linear.
_RAW_TEXT_START_RE = re.compile(rf"<({_RAW_TEXT_ELEMENTS})(?=[\s/>])", re.IGNORECASE)
_RAW_TEXT_END_RE = re.compile(rf"</({_RAW_TEXT_ELEMENTS})\s*>", re.IGNORECASE)


def escape_unclosed_raw_text(html: str) -> str:
    """`html` with every start tag of a raw-text element that is never closed after it shown as text.

    A closed one (<script>…</script>) is left for the sanitiser, which drops it with its content.
    """
    last_end = {}
    for match in _RAW_TEXT_END_RE.finditer(html):
        last_end[match.group(1).lower()] = match.start()

    def escape_if_unclosed(match: re.Match) -> str:
        name = match.group(1).lower()
        if name != "plaintext" and last_end.get(name, -1) > match.start():
            return match.group(0)
        return "&lt;" + match.group(0)[1:]

    return _RAW_TEXT_START_RE.sub(escape_if_unclosed, html)


def sanitize_html(html: str) -> str:
    """Only the allowed tags, attributes and URL schemes of `html`, then _below_title and _unwrap_dead_links."""
    cleaned = nh3.clean(
        escape_unclosed_raw_text(limit_html_depth(html)),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _unwrap_dead_links(_below_title(cleaned))


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


# The sanitiser's output, which these read, has tags in lower case, attribute values in double
# quotes with "<", ">" and '"' escaped, and no comments: every "<" in it starts a tag.
_HEADING_TAG_RE = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def _below_title(html: str) -> str:
    """The article title is the page's only <h1>: a body that uses one moves every heading one level down.

    Markdown's "# " or raw HTML's <h1> or <H1>: after the sanitiser, which writes tags in lower case.
    """
    if "<h1" not in html:
        return html
    return _HEADING_TAG_RE.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", html)


_LINK_TAG_RE = re.compile(r"<(/?)a(?=[\s>])([^>]*)>")


def _unwrap_dead_links(html: str) -> str:
    """<a> with neither href nor id (its javascript: or data: address removed by the sanitiser) becomes its text.

    Such a link would still look like one but lead nowhere. An <a id="..."> with no href is a
    place to link to, and stays. Links may nest (<a><object><a>), so each end tag is matched.
    """
    if "<a>" not in html and "<a " not in html:
        return html
    parts: list[str] = []
    unwrapped: list[bool] = []  # for each open <a>: is it dropped?
    last = 0
    for match in _LINK_TAG_RE.finditer(html):
        if match.group(1):
            drop = unwrapped.pop() if unwrapped else False
        else:
            attributes = match.group(2)
            drop = ' href="' not in attributes and ' id="' not in attributes
            unwrapped.append(drop)
        if drop:
            parts.append(html[last : match.start()])
            last = match.end()
    parts.append(html[last:])
    return "".join(parts)


def render_markdown(text: str) -> str:
    """Markdown source to sanitised HTML. Also django-markdownx's MARKDOWNIFY_FUNCTION."""
    return sanitize_html(_md.render(text or "", {})).strip()
