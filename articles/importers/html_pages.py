"""Saved web pages: a wget or HTTrack mirror, or pages saved from a browser.

Most small sites (Wix, Squarespace, an old theme) have no export, but a folder of saved
pages can always be had. Each page is read on its own, from disk only: nothing is fetched.

1. Metadata is read from the whole page, most reliable source first (JSON-LD, Open
   Graph and article:* meta tags, the article's <h1> and <time>, then <title>).
2. Pages that are not articles (home, listings, category, tag, search, contact,
   paginated pages) are skipped with the reason; --include overrules that.
3. Boilerplate (navigation, header, footer, sidebars, cookie banners, share buttons,
   comments, related posts, newsletter forms) is cut by element and class name, and
   readability-lxml picks the main content from what is left.
4. Links and images are resolved against the page's place on the old site, so the
   writer's link pass and the media library (images/importing.py) find them, and the
   HTML goes through the WordPress importer's HTML-to-Markdown path (scripts, event
   handlers and javascript: links never survive it).
"""

import codecs
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

import lxml.html
from django.utils.dateparse import parse_date, parse_datetime
from lxml import etree
from readability import Document
from readability.readability import Unparseable

from ..models import TITLE_MAX_LENGTH
from ..text import truncate_words_at
from .decoding import decode_text
from .html_to_markdown import html_to_markdown
from .records import ArticleRecord, Skipped, SourceError
from .scraped_text import split_keywords

# A page whose main text is shorter than this is not an article (a "thank you" page, a stub).
MIN_TEXT_CHARS = 250
HTML_SUFFIXES = (".html", ".htm")
TOO_LITTLE_TEXT = "too little text"

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# The HTML standard reads these labels as Windows-1252.
_CP1252_LABELS = {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252", "iso8859-1"}
_HOST_DIR_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?$", re.IGNORECASE)
_ARTICLE_TYPES = {"article", "blogposting", "newsarticle", "report", "scholarlyarticle", "techarticle", "posting"}
# Page types (JSON-LD @type) that are never one article, and what the report calls them.
_PAGE_TYPES = {
    "collectionpage": "listing page",
    "searchresultspage": "search page",
    "contactpage": "contact page",
    "profilepage": "listing page",
}

# Path segments that mark a page that is not an article, in the order they are checked.
_PATH_KINDS = [
    ({"tag", "tags", "hashtags", "label", "labels"}, "tag page"),
    ({"category", "categories", "topics"}, "category page"),
    ({"search"}, "search page"),
    ({"contact", "contact-us", "contactus", "kontakt"}, "contact page"),
    ({"author", "authors", "archive", "archives", "feed"}, "listing page"),
]
_PAGE_NUMBER_RE = re.compile(r"(?:^|/)page/?\d+(?:/|$)|(?:^|/)page\d+\.html?$", re.IGNORECASE)

# Elements that are never the article's text.
_DROPPED_TAGS = {
    "script", "style", "noscript", "template", "iframe", "form", "nav", "aside", "footer", "header",
    "button", "input", "select", "textarea", "svg", "canvas", "dialog",
}  # fmt: skip
_DROPPED_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"}
# Words in class, id and data-hook names of boilerplate, as themes and builders name it.
_BOILERPLATE_WORDS = {
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "sidebar", "widget", "widgets",
    "cookie", "cookies", "consent", "gdpr", "share", "sharing", "sharedaddy", "social", "related",
    "relatedposts", "recent", "newsletter", "subscribe", "subscription", "mc4wp", "signup", "comment",
    "comments", "respond", "disqus", "pagination", "pager", "masthead", "colophon", "header", "footer",
    "advert", "advertisement", "ads", "promo", "popup", "modal", "meta", "byline", "avatar", "author",
    "tags", "categories", "skip", "screen", "print",
}  # fmt: skip
# Containers never dropped by their class names: a body class such as "single-post" or an
# <article class="... tag-anxiety"> names the page, not boilerplate.
_KEPT_TAGS = {"html", "body", "main", "article"}
_NAME_SPLIT_RE = re.compile(r"[^a-z0-9]+")
# Title separators before a site name: "Post | Site", "Post — Site", "Post - Site".
_TITLE_SUFFIX_RE = re.compile(r"^(?P<title>.+?)\s+(?:\||–|—|-|::|»|·)\s+(?P<site>[^|–—]+)$")


# Themes' featured image ("post thumbnail" in WordPress).
_THUMBNAIL = (
    "//*[contains(@class, 'post-thumbnail') or contains(@class, 'featured-image')]//img"
    " | //img[contains(@class, 'wp-post-image')]"
)


@dataclass
class PageMeta:
    title: str = ""
    site_name: str = ""
    published: str = ""
    modified: str = ""
    author: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    topic: str = ""
    canonical: str = ""
    image: str = ""  # the featured image: og:image, else the theme's post thumbnail
    image_alt: str = ""
    types: set[str] = field(default_factory=set)
    og_type: str = ""


def looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:1024]


def site_path(key_path: str) -> str:
    """The page's path on the old site: its place in the mirror, without wget's host folder."""
    parts = PurePosixPath(key_path).parts
    if len(parts) > 1 and _HOST_DIR_RE.match(parts[0]):
        parts = parts[1:]
    return "/" + "/".join(parts)


def host_folder(key_path: str) -> str:
    """wget's host folder ("www.example.com/") at the start of `key_path`, or ""."""
    first = PurePosixPath(key_path).parts[0]
    return first + "/" if key_path.count("/") and _HOST_DIR_RE.match(first) else ""


def old_paths(path: str) -> list[str]:
    """The addresses a saved page answered to: /a/index.html is also /a/ and /a; /a.html is also /a."""
    forms = [path]
    for suffix in ("index.html", "index.htm"):
        if path.endswith("/" + suffix):
            folder = path[: -len(suffix)]
            forms += [folder, folder.rstrip("/")] if folder != "/" else [folder]
    for suffix in HTML_SUFFIXES:
        if path.endswith(suffix) and not path.endswith(("/index.html", "/index.htm")):
            forms.append(path[: -len(suffix)])
    return [form for form in dict.fromkeys(forms) if form]


def page_kind(path: str, meta: PageMeta, articles: int) -> str:
    """Why the page at `path` is not an article ("" when it may be one)."""
    if path in {"/", "/index.html", "/index.htm", "/default.htm", "/home.html"}:
        return "home page"
    if _PAGE_NUMBER_RE.search(path):
        return "paginated page"
    segments = {segment for segment in path.lower().split("/") if segment}
    first = path.strip("/").split("/")[0].lower().rsplit(".", 1)[0] if path.strip("/") else ""
    for words, kind in _PATH_KINDS:
        if first in words or (kind in {"tag page", "category page"} and segments & words):
            return kind
    for page_type in meta.types:
        if page_type in _PAGE_TYPES:
            return _PAGE_TYPES[page_type]
    if articles > 1:
        return "listing page"
    return ""


# -- reading the page ----------------------------------------------------------------------


def decode_page(data: bytes, location: str) -> tuple[str, list[str]]:
    """Text of an HTML file: a BOM first, then the page's own <meta charset>, then UTF-8 or Windows-1252."""
    match = _CHARSET_RE.search(data[:4096])
    declared = match.group(1).decode("ascii", "replace").lower() if match else ""
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "cp1252" if declared in _CP1252_LABELS else declared
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            codec = ""
        if codec and codec not in {"utf-8", "utf-16", "utf-16-le", "utf-16-be"}:
            if b"\x00" in data[:65536]:
                raise SourceError(location, "is a binary file (it contains NUL bytes), not a web page")
            text = data.decode(codec, errors="replace")
            if not text.strip():
                raise SourceError(location, "is empty: there is no article in it")
            return text.replace("\r\n", "\n"), [f"decoded as {declared} (the page's meta charset)"]
    return decode_text(data, location)


def parse_tree(text: str, location: str):
    # lxml refuses a str that declares its own encoding; the bytes were decoded above.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise SourceError(location, f"cannot be read as HTML ({error})") from None


def read_meta(doc) -> PageMeta:
    meta = PageMeta()
    _read_json_ld(doc, meta)
    props = _meta_tags(doc)
    meta.site_name = meta.site_name or props.get("og:site_name", [""])[0]
    meta.og_type = props.get("og:type", [""])[0].lower()
    meta.title = meta.title or props.get("og:title", [""])[0] or props.get("twitter:title", [""])[0]
    if not meta.title:
        h1 = next(iter(doc.xpath("//article//h1") or doc.xpath("//main//h1") or doc.xpath("//h1")), None)
        meta.title = _text(h1) if h1 is not None else ""
    if not meta.title:
        meta.title = _strip_site_suffix(_text(_first(doc, "//title")), meta.site_name, always=True)
    meta.title = _strip_site_suffix(meta.title, meta.site_name)
    meta.published = meta.published or props.get("article:published_time", [""])[0] or _time(doc)
    meta.modified = meta.modified or props.get("article:modified_time", [""])[0]
    meta.author = meta.author or props.get("author", [""])[0] or props.get("article:author", [""])[0]
    meta.description = props.get("description", [""])[0] or props.get("og:description", [""])[0]
    canonical = _first(doc, "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]")
    meta.canonical = (canonical.get("href") or "").strip() if canonical is not None else ""
    thumbnail = _first(doc, _THUMBNAIL)
    if thumbnail is not None:
        meta.image, meta.image_alt = thumbnail.get("src") or "", " ".join((thumbnail.get("alt") or "").split())
    meta.image = meta.image or props.get("og:image", [""])[0]
    tags = props.get("article:tag", []) + _linked_terms(doc, "tag")
    if not tags:
        tags = [word.strip() for word in ",".join(props.get("keywords", [])).split(",")]
    meta.tags = list({tag.casefold(): tag for tag in reversed([t for t in tags if t])}.values())[::-1]
    meta.topic = meta.topic or _breadcrumb(doc) or next(iter(_linked_terms(doc, "category")), "")
    return meta


def _read_json_ld(doc, meta: PageMeta) -> None:
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for node in _json_nodes(data):
            types = node.get("@type", [])
            types = {t.lower() for t in ([types] if isinstance(types, str) else types) if isinstance(t, str)}
            meta.types |= types
            if "website" in types and not meta.site_name:
                meta.site_name = _json_text(node.get("name"))
            if "breadcrumblist" in types and not meta.topic:
                meta.topic = _json_breadcrumb(node)
            if types & _ARTICLE_TYPES:
                meta.title = meta.title or _json_text(node.get("headline") or node.get("name"))
                meta.published = meta.published or _json_text(node.get("datePublished"))
                meta.modified = meta.modified or _json_text(node.get("dateModified"))
                meta.author = meta.author or _json_person(node.get("author"))
                section = node.get("articleSection")
                meta.topic = meta.topic or _json_text(section[0] if isinstance(section, list) and section else section)


def _json_nodes(data) -> Iterator[dict]:
    for node in data if isinstance(data, list) else [data]:
        if isinstance(node, dict):
            yield node
            yield from _json_nodes(node.get("@graph", []))


def _json_text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _json_person(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return _json_text(value.get("name")) if isinstance(value, dict) else _json_text(value)


def _json_breadcrumb(node: dict) -> str:
    """The crumb before the page itself, unless that is the home page."""
    items = [item for item in node.get("itemListElement", []) if isinstance(item, dict)]
    items.sort(key=lambda item: item.get("position", 0) if isinstance(item.get("position"), int) else 0)
    names = [_json_text(item.get("name") or (item.get("item") or {}).get("name", "")) for item in items]
    return names[-2] if len(names) >= 3 else ""


def _breadcrumb(doc) -> str:
    for trail in doc.xpath(
        "//*[@aria-label='Breadcrumb' or @aria-label='breadcrumb' or @aria-label='breadcrumbs' or "
        "contains(@class, 'breadcrumb')]"
    ):
        links = [_text(a) for a in trail.xpath(".//a")]
        if len(links) >= 2:
            return links[-1]
    return ""


def _meta_tags(doc) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for tag in doc.xpath("//meta[@content]"):
        name = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        content = " ".join((tag.get("content") or "").split())
        if name and content:
            props.setdefault(name, []).append(content)
    return props


def _linked_terms(doc, kind: str) -> list[str]:
    """Tag or category names the page links to: rel="tag"/"category", or links into /tag/, ?category=...

    Links in sidebars, menus and widgets list the whole site's terms, not this article's.
    """
    words = {"tag": {"tag", "tags", "hashtags", "label"}, "category": {"category", "categories"}}[kind]
    found = []
    for link in doc.xpath("//a[@href]"):
        rel = set((link.get("rel") or "").lower().split())
        # WordPress marks category links rel="category tag": a category, not a tag.
        by_rel = "category" in rel if kind == "category" else "tag" in rel and "category" not in rel
        parts = urlsplit(link.get("href", ""))
        by_address = set(parts.path.lower().split("/")) & words or words & set(parse_qs(parts.query))
        if (by_rel or by_address) and not _in_site_chrome(link):
            found.append(_text(link))
    return [name for name in found if name]


def _in_site_chrome(element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in {"aside", "nav"} or _names(ancestor) & {"widget", "sidebar", "menu", "nav", "recent"}:
            return True
        parent = ancestor.getparent()
        site_level = (parent is not None and parent.tag == "body") or _names(ancestor) & {
            "site",
            "masthead",
            "colophon",
        }
        if ancestor.tag in {"header", "footer"} and site_level:
            return True
    return False


_PUBLISHED = "@itemprop='datePublished' or contains(@class, 'published')"


def _time(doc) -> str:
    for xpath in (
        f"//article//time[{_PUBLISHED}]",
        f"//time[{_PUBLISHED}]",
        "//article//time[@datetime]",
    ):
        found = _first(doc, xpath)
        if found is not None and found.get("datetime"):
            return found.get("datetime").strip()
    return ""


def _first(doc, xpath: str):
    found = doc.xpath(xpath)
    return found[0] if found else None


def _text(element) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def _strip_site_suffix(title: str, site_name: str, *, always: bool = False) -> str:
    """'Post | Site' → 'Post' when the part after the separator is the site's name (or for <title>, always)."""
    match = _TITLE_SUFFIX_RE.match(title)
    if match and (always or (site_name and match.group("site").strip().casefold() == site_name.casefold())):
        return match.group("title").strip()
    return title.strip()


def read_date(text: str, field_name: str, notes: list[str]) -> datetime | None:
    if not text:
        return None
    if day := parse_date_only(text):
        return datetime.combine(day, time(0), tzinfo=UTC)  # a day alone: midnight UTC
    try:
        value = parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        notes.append(f"ignored unreadable {field_name} {text!r}")
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
        notes.append(f"{field_name} {text!r} has no time zone; read as UTC")
    return value


def parse_date_only(text: str):
    return parse_date(text.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else None


# -- the article's content ------------------------------------------------------------------


def _names(element) -> set[str]:
    """The words of an element's class, id, role and builder hooks: "site-footer" → {"site", "footer"}."""
    raw = " ".join(
        element.get(name) or "" for name in ("class", "id", "role", "data-hook", "data-testid", "aria-label")
    )
    return set(_NAME_SPLIT_RE.split(raw.lower())) - {""} if raw else set()


def strip_boilerplate(doc) -> None:
    # Old sites lay pages out with tables: a table holding paragraphs or headings is layout, not data.
    for table in doc.xpath("//table[.//p or .//h1 or .//h2 or .//div or .//ul]"):
        for part in [*table.xpath(".//tbody | .//thead | .//tr | .//td | .//th"), table]:
            part.tag = "div"
    for element in list(doc.iter(etree.Element)):
        if element.getparent() is None and element.tag != "html":
            continue  # already removed with an ancestor
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _KEPT_TAGS:
            continue
        role = (element.get("role") or "").lower()
        hidden = element.get("hidden") is not None or element.get("aria-hidden") == "true"
        if tag in _DROPPED_TAGS or role in _DROPPED_ROLES or hidden or _names(element) & _BOILERPLATE_WORDS:
            element.drop_tree()


def _resolve_addresses(content, page_path: str, hosts: set[str], host_dir: str) -> None:
    """Links become site paths (/a/b/) the writer's link pass maps to new addresses; images become paths
    relative to the page's file, where the media library looks for them (images/importing.py)."""
    folder = posixpath.dirname(page_path)
    for link in content.xpath(".//a[@href]"):
        href = link.get("href").strip()
        parts = urlsplit(href)
        if not parts.scheme and not parts.netloc and parts.path and not parts.path.startswith("/"):
            link.set("href", posixpath.normpath(posixpath.join(folder, parts.path)) + _rest(parts, href))
    for image in content.xpath(".//img"):
        src = (image.get("src") or "").strip()
        if not src or src.startswith("data:"):
            src = (image.get("data-src") or "").strip()
        image.set("src", image_address(src, folder, hosts))


def image_address(src: str, folder: str, hosts: set[str]) -> str:
    """An image on the old site (relative, /rooted, or on its own host) as a path relative to the page's folder."""
    parts = urlsplit(src)
    if parts.scheme in {"http", "https"} or src.startswith("//"):
        if parts.netloc.lower() not in hosts:
            return src
    elif parts.scheme:
        return src
    path = unquote(parts.path)
    if not path:
        return src
    absolute = posixpath.normpath(posixpath.join(folder, path)) if not path.startswith("/") else path
    return posixpath.relpath(absolute, folder or "/")


def _rest(parts, href: str) -> str:
    # normpath drops a trailing slash that is part of the address (/a/b/)
    trailing = "/" if parts.path.endswith("/") else ""
    return trailing + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


# readability drops a <div> whose text is over 20% link text unless its class weight reaches 25; page
# builders (Wix) wrap every paragraph in a bare <div>, so one with a link would be lost. Weighting
# every <div> alike keeps such paragraphs and leaves the ranking of candidates unchanged among divs.
_POSITIVE = re.compile(r"tag-div$")


def main_content(doc) -> str:
    """The article's HTML: readability's pick among what strip_boilerplate left."""
    if doc.find("body") is None:  # a frameset, or nothing at all: readability needs a <body>
        return ""
    articles = doc.xpath("//article")
    root = articles[0] if len(articles) == 1 else doc
    try:
        return Document(root, positive_keywords=_POSITIVE).summary(html_partial=True, keep_all_images=True)
    except Unparseable:
        return ""


_HEADING_RE = re.compile(r"^#{1,6} (.+)\n*")


def _drop_title_heading(body: str, title: str) -> str:
    match = _HEADING_RE.match(body)
    if match and " ".join(match.group(1).split()).casefold() == title.casefold():
        return body[match.end() :]
    return body


def _plain_paragraph(block: str) -> bool:
    return "\n" not in block and not re.match(r"^([#>*|`!\[-]|\d+\.)", block)


@dataclass
class Page:
    """One saved page: what parse_page needs besides its bytes."""

    key_path: str  # its path within what was imported
    location: str
    import_key: str
    include: bool = False  # --include matched: import even if it does not look like an article


def parse_page(data: bytes, page: Page) -> ArticleRecord | Skipped:
    text, notes = decode_page(data, page.location)
    doc = parse_tree(text, page.location)
    meta = read_meta(doc)
    path = site_path(page.key_path)
    mirrored_host = host_folder(page.key_path).rstrip("/").lower().removeprefix("www.")
    canonical_host = urlsplit(meta.canonical).netloc.lower().removeprefix("www.")
    if mirrored_host and canonical_host and canonical_host != mirrored_host:
        notes.append(f"its canonical link points at another site ({meta.canonical}); kept its mirror address only")
        meta.canonical = ""
    canonical_path = unquote(urlsplit(meta.canonical).path) if meta.canonical else ""
    strip_boilerplate(doc)
    articles = len(doc.xpath("//article[not(ancestor::article)]"))
    title = meta.title or PurePosixPath(path).stem.replace("-", " ").capitalize()
    if not page.include:
        kind = page_kind(canonical_path or path, meta, articles) or (
            page_kind(path, meta, articles) if canonical_path else ""
        )
        if kind:
            return Skipped(page.location, kind, title=title)
    hosts = {urlsplit(meta.canonical).netloc.lower()} - {""}
    if host_folder(page.key_path):
        hosts.add(host_folder(page.key_path).rstrip("/").lower())
    content = lxml.html.fragment_fromstring(main_content(doc) or "<div></div>", create_parent="div")
    _resolve_addresses(content, path, hosts, host_folder(page.key_path))
    length = len(" ".join(content.text_content().split()))
    if length < MIN_TEXT_CHARS and not page.include:
        detail = f"{length} characters of text, under {MIN_TEXT_CHARS}; --include imports it anyway"
        return Skipped(page.location, TOO_LITTLE_TEXT, title=title, detail=detail)
    try:
        body = html_to_markdown(lxml.html.tostring(content, encoding="unicode"), notes)
    except RecursionError:
        raise SourceError(page.location, "its HTML is nested too deeply to convert") from None
    body = _drop_title_heading(body, title)
    tags, topic = meta.tags, meta.topic
    blocks = body.split("\n\n")
    if not (tags and topic) and len(blocks) > 1 and _plain_paragraph(blocks[-1]):
        # The scraped-text rules where the page says nothing better: "About X", keyword lines.
        kept, line_topic, line_tags = split_keywords(blocks)
        if len(kept) < len(blocks) and all(_plain_paragraph(block) for block in blocks[len(kept) :]):
            body, topic, tags = "\n\n".join(kept), topic or line_topic, tags or line_tags
    if len(title) > TITLE_MAX_LENGTH:
        notes.append(f"title is {len(title)} characters; shortened to fit the limit of {TITLE_MAX_LENGTH}")
        title = truncate_words_at(title, TITLE_MAX_LENGTH)
    if not meta.title:
        notes.append(f"has no title; titled it {title!r} after its file name")
    redirects = old_paths(canonical_path) if canonical_path else []
    featured = image_address(meta.image.strip(), posixpath.dirname(path), hosts) if meta.image.strip() else ""
    if featured and f"]({featured}" in body:
        featured = ""  # the body shows it already
    return ArticleRecord(
        import_key=page.import_key,
        location=page.location,
        title=title,
        body=body.strip(),
        meta_description=meta.description,
        published_at=read_date(meta.published, "publication date", notes),
        updated_at=read_date(meta.modified, "modification date", notes),
        topic=topic,
        tags=tags,
        author=meta.author,
        redirect_from=list(dict.fromkeys(redirects + old_paths(path))),
        source_url=meta.canonical if urlsplit(meta.canonical).netloc else "",
        featured_image=featured,
        featured_image_alt=meta.image_alt if featured else "",
        notes=notes,
    )
