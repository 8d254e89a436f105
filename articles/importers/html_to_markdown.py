"""WordPress post HTML to plain Markdown.

WordPress stores a post's body as HTML that only becomes the page readers saw after
WordPress's own filters run: classic-editor posts have no <p> tags (wpautop adds
them from blank lines), Gutenberg posts are wrapped in <!-- wp:... --> comments,
and [shortcodes] expand into markup. We replay the parts of that which carry
content, then convert to Markdown with markdownify. The output contains no raw
HTML: text that looks like markup is escaped, tags we cannot express are reduced
to their text, and links or images with unsafe schemes keep only their text.
"""

import html
import re

from bs4 import BeautifulSoup
from markdownify import ATX, MarkdownConverter

from ..text import LINK_SCHEMES, escape_markdown, normalise_newlines, url_scheme

# --- WordPress filters ------------------------------------------------------

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)

# The block-level tags wpautop() knows about.
_BLOCKS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    "blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    "footer|nav|figure|figcaption|details|menu|summary|script|iframe"
)
# Patterns here stop at the next "<" (or "[") where they can, so a malformed post never makes them rescan it.
_BLOCK_TAG_RE = re.compile(rf"(</?(?:{_BLOCKS})\b[^<>]*>)", re.IGNORECASE)
_HAS_P_RE = re.compile(r"<p[\s>]", re.IGNORECASE)
_PRE_RE = re.compile(r"<pre\b(?:(?!<pre\b).)*?</pre>", re.IGNORECASE | re.DOTALL)
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n\s*")
_BR_AT_END_RE = re.compile(r"<br\s*/?>$", re.IGNORECASE)
# Blocks whose loose text wpautop turns into paragraphs; text in other blocks
# (li, td, h2...) only gets its line breaks.
_PARAGRAPH_CONTAINERS = {"blockquote", "div", "section", "article", "aside", "header", "footer", "nav", "figure"}
_VOID_BLOCKS = {"hr", "col", "area"}


def autop(text: str) -> str:
    """A simplified wpautop(): blank lines make paragraphs, single newlines make <br>."""
    pres: list[str] = []

    def stash(match: re.Match) -> str:
        pres.append(match.group(0))
        return f"<pre data-stash='{len(pres) - 1}'></pre>"

    text = _PRE_RE.sub(stash, text)
    out: list[str] = []
    open_blocks: list[str] = []
    for i, part in enumerate(_BLOCK_TAG_RE.split(text)):
        if i % 2:  # a block tag
            name = re.match(r"</?([a-zA-Z0-9]+)", part).group(1).lower()
            if part.startswith("</"):
                if name in open_blocks:
                    del open_blocks[len(open_blocks) - 1 - open_blocks[::-1].index(name) :]
            elif name not in _VOID_BLOCKS and not part.endswith("/>"):
                open_blocks.append(name)
            out.append(part)
        elif not open_blocks or open_blocks[-1] in _PARAGRAPH_CONTAINERS:
            for paragraph in _BLANK_LINE_RE.split(part):
                if paragraph.strip():
                    out.append(f"<p>{_line_breaks(paragraph.strip())}</p>\n")
        elif open_blocks[-1] not in {"script", "style", "iframe"}:
            out.append(_line_breaks(part.strip()) if part.strip() else part)
        else:
            out.append(part)
    text = "".join(out)
    return re.sub(r"<pre data-stash='(\d+)'></pre>", lambda m: pres[int(m.group(1))], text)


def _line_breaks(text: str) -> str:
    out: list[str] = []
    for line in filter(None, (line.strip() for line in text.split("\n"))):
        if out and not _BR_AT_END_RE.search(out[-1]):  # a newline right after a <br> is not another break
            out.append("<br />")
        out.append(line)
    return "".join(out)


# Shortcodes: [name attrs], [name attrs /], [name attrs]inner[/name], and [[escaped]], for any name.
# Attributes stop at "[" so that a stray bracket never makes a match scan the rest of the post.
_SHORTCODE_OPEN_RE = re.compile(r"\[(\[?)([a-zA-Z][\w-]*)(?![\w-])([^\[\]]*?)(/?)\]")
_SHORTCODE_CLOSE_RE = re.compile(r"\[/([a-zA-Z][\w-]*)\]")
_ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# Shortcodes that only pull in other content (galleries, forms, widgets): nothing to keep.
_DROPPED_SHORTCODES = {
    "gallery", "playlist", "contact-form", "contact-form-7", "wpforms", "gravityform", "ninja_form",
    "mc4wp_form", "instagram-feed", "wpseo_breadcrumb", "toc", "ad", "adsense",
}  # fmt: skip
_MEDIA_SHORTCODES = {"audio", "video"}
_MEDIA_FORMATS = {"mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv"}  # [video mp4="..."]
_CODE_SHORTCODES = {"code", "sourcecode"}


def expand_shortcodes(text: str, notes: list[str], attachments: dict | None = None) -> str:
    """Replace shortcodes by what they showed, as far as that is content (see _expand_one)."""
    last_closer = {m.group(1): m.start() for m in _SHORTCODE_CLOSE_RE.finditer(text)}
    out, pos = [], 0
    while match := _SHORTCODE_OPEN_RE.search(text, pos):
        bracket, name, attr_text, self_closing = match.groups()
        end, inner = match.end(), None
        if not self_closing and last_closer.get(name, -1) >= end:  # WordPress: up to the first closer
            close = text.index(f"[/{name}]", end)
            inner, end = text[end:close], close + len(name) + 3
        out.append(text[pos : match.start()])
        if bracket and text.startswith("]", end):  # [[tag]] is WordPress's way to show a literal [tag]
            out.append(text[match.start() + 1 : end])
            end += 1
        else:
            original = text[match.start() + len(bracket) : end]
            expanded = _expand_one(name, attr_text, bool(self_closing), inner, original, notes, attachments)
            out.append(bracket + expanded)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _expand_one(
    name: str, attr_text: str, self_closing: bool, inner: str | None, original: str, notes, attachments=None
) -> str:
    key = name.lower()
    attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR_RE.finditer(attr_text)}
    if key in {"caption", "wp_caption"}:
        # [caption]<img ...> Caption text[/caption]; before WordPress 3.4 the text was an attribute.
        body = expand_shortcodes(inner or "", notes, attachments)
        end_of_media = body.rfind(">") + 1
        media, caption = body[:end_of_media], body[end_of_media:].strip()
        caption = caption or html.escape(attrs.get("caption", ""))
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"\n\n<figure>{media}{figcaption}</figure>\n\n"
    if key == "embed":
        return f"\n\n{(inner or '').strip()}\n\n"
    if key in _MEDIA_SHORTCODES:
        src = attrs.get("src") or next((v for k, v in attrs.items() if k in _MEDIA_FORMATS), "")
        return f'\n\n<a href="{html.escape(src)}">{html.escape(src)}</a>\n\n' if src else ""
    if key in _CODE_SHORTCODES and inner is not None:
        language = attrs.get("lang") or attrs.get("language") or ""
        code = html.escape(html.unescape(inner).strip("\n"), quote=False)
        return f'\n\n<pre><code class="language-{html.escape(language)}">{code}</code></pre>\n\n'
    if key == "gallery" and attachments is not None and (attrs.get("ids") or attrs.get("include")):
        return _gallery(attrs.get("ids") or attrs.get("include"), attachments, notes)
    if key in _DROPPED_SHORTCODES:
        notes.append(f"dropped shortcode [{name}]")
        return ""
    if inner is not None:  # an unknown wrapper ([box]...[/box]): keep what it wraps
        return expand_shortcodes(inner, notes, attachments)
    if self_closing or "=" in attr_text:
        notes.append(f"dropped shortcode [{name}]")
        return ""
    return original  # "[sic]", "[citation needed]": ordinary text, as WordPress shows it


def _gallery(ids: str, attachments: dict, notes: list[str]) -> str:
    """[gallery ids="12,13"]: its images, one a paragraph, from the export's attachments (wordpress.Attachment)."""
    images = []
    for post_id in (part.strip() for part in ids.split(",") if part.strip()):
        attachment = attachments.get(post_id)
        if attachment is None or not attachment.url:
            notes.append(f"gallery image (attachment {post_id}) is not in the export; left out")
            continue
        images.append(f'<p><img src="{html.escape(attachment.url)}" alt="{html.escape(attachment.alt)}"></p>')
    return "\n\n" + "\n".join(images) + "\n\n"


# --- Markdown conversion ------------------------------------------------------

# Elements whose content is code, embeds or widgets, never readable text.
_DROPPED_ELEMENTS = [
    "script", "style", "iframe", "noscript", "object", "embed", "template", "svg", "canvas",
    "form", "input", "button", "select", "textarea", "head", "title", "meta", "link",
]  # fmt: skip
_DROPPED_RE = re.compile(rf"<(?:{'|'.join(_DROPPED_ELEMENTS)})\b", re.IGNORECASE)
# WordPress turns a URL alone in its paragraph (or embed block) into an embed, a video or a post: keep a link.
_BARE_URL_RE = re.compile(r"(<(?:p|div)\b[^<>]*>)\s*(https?://[^\s<>\"]+)\s*(?=</(?:p|div)>)", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """The URL with characters that would end a Markdown link encoded, or None if its scheme is unsafe."""
    url = re.sub(r"[\t\r\n]", "", url or "").strip()
    if not url or url_scheme(url) not in {"", *LINK_SCHEMES}:  # "": a relative URL
        return None
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


class _Converter(MarkdownConverter):
    def escape(self, text: str, parent_tags) -> str:
        # Text that looks like Markdown or HTML stays text ("|" is escaped everywhere, so table cells too).
        return escape_markdown(text, in_link_text="a" in parent_tags)

    def convert_a(self, el, text, parent_tags):
        href = safe_url(el.get("href"))
        if href is None:
            el.attrs.pop("href", None)
        else:
            el["href"] = href
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        alt = escape_markdown(el.get("alt") or "")
        src = safe_url(el.get("src"))
        if src is None:
            return alt
        el["src"], el["alt"] = src, alt
        return super().convert_img(el, text, parent_tags)

    def convert_video(self, el, text, parent_tags):
        source = el.find("source", src=True)
        src = safe_url(el.get("src") or (source and source["src"]))
        return f"<{src}>" if src else text

    convert_audio = convert_video

    def convert_cite(self, el, text, parent_tags):
        text = text.strip()
        return f"\n\n— {text}\n\n" if "blockquote" in parent_tags and text else text


def _code_language(el) -> str:
    for node in filter(None, (el, el.find("code"))):
        for css_class in node.get("class") or []:
            match = re.match(r"(?:language|lang)-([\w+#-]+)$", css_class)
            if match:
                return match.group(1)
    return ""


_CONVERTER = _Converter(
    heading_style=ATX,
    bullets="-",
    wrap=True,  # with no width: newlines in text are plain spaces, as in a browser
    wrap_width=None,
    table_infer_header=True,
    code_language_callback=_code_language,
)


def _tidy(markdown: str) -> str:
    """Collapse runs of blank lines (outside fenced code) and trim."""
    lines, blank, fenced = [], 0, False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and not line.strip():
            blank += 1
            if blank > 1:
                continue
            line = ""
        else:
            blank = 0
        lines.append(line)
    return "\n".join(lines).strip("\n")


def html_to_markdown(html_text: str, notes: list[str] | None = None, *, attachments: dict | None = None) -> str:
    """Markdown for a WordPress post body. Problems worth telling the editor are appended to `notes`.

    With `attachments` (the export's media items by post id), [gallery ids=...] becomes its images."""
    notes = notes if notes is not None else []
    text = normalise_newlines(html_text)
    gutenberg = "<!-- wp:" in text
    text = _COMMENT_RE.sub("", text)
    text = expand_shortcodes(text, notes, attachments)
    if not gutenberg and not _HAS_P_RE.search(text):  # classic-editor post: WordPress adds <p> on display
        text = autop(text)
    text = _BARE_URL_RE.sub(r'\1<a href="\2">\2</a>', text)
    # lxml, not html.parser: html.parser takes minutes on malformed input such as "<p <p <p ...".
    soup = BeautifulSoup(text, "lxml")
    for element in soup.find_all(_DROPPED_ELEMENTS) if _DROPPED_RE.search(text) else ():
        if element.name in {"iframe", "object", "embed"}:
            source = element.get("src") or element.get("data") or ""
            notes.append(f"dropped embedded <{element.name}> {source}".rstrip())
        element.decompose()
    return _tidy(_CONVERTER.convert_soup(soup))
