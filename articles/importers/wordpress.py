"""WordPress export files (WXR: "WordPress eXtended RSS", Tools > Export in WordPress).

The file is streamed through expat, via defusedxml's parser, with a small target
that keeps only the fields of the <item> being read: memory stays flat however
large the export. DTDs and entity declarations are refused outright: WordPress
never writes them, and they are how "billion laughs" and external-file attacks work.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..text import strip_tags
from .html_to_markdown import html_to_markdown
from .records import ArticleRecord, Skipped, SourceError

CHUNK_SIZE = 64 * 1024

_WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_EXCERPT_NS_RE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
_OTHER_NS = {"http://purl.org/rss/1.0/modules/content/": "content", "http://purl.org/dc/elements/1.1/": "dc"}

# Direct children of <item> we read, by prefixed name.
_ITEM_FIELDS = {
    "title", "link", "guid", "category", "dc:creator", "content:encoded", "excerpt:encoded",
    "wp:post_id", "wp:post_date", "wp:post_date_gmt", "wp:post_modified", "wp:post_modified_gmt",
    "wp:status", "wp:post_name", "wp:post_type",
}  # fmt: skip
_CHANNEL_FIELDS = {"wp:base_site_url", "wp:base_blog_url"}
# SEO plugins' post meta, in order of preference.
_DESCRIPTION_KEYS = ("_yoast_wpseo_metadesc", "_aioseo_description", "_aioseop_description", "rank_math_description")
_CANONICAL_KEYS = ("_yoast_wpseo_canonical", "rank_math_canonical_url")
_OLD_SLUG_KEY = "_wp_old_slug"  # WordPress keeps redirecting a post's earlier slugs
_META_KEYS = {*_DESCRIPTION_KEYS, *_CANONICAL_KEYS, _OLD_SLUG_KEY}
_FIELD_NAMES = {"content:encoded": "content", "excerpt:encoded": "excerpt", "wp:meta_value": "a post meta value"}

_ZERO_DATE = "0000-00-00 00:00:00"
_UNCATEGORIZED = {"uncategorized"}


def looks_like_wxr(head: bytes) -> bool:
    """Whether the first few KB of a file look like a WordPress export: an <rss> declaring the WXR namespace."""
    return re.search(rb"<rss[\s>]", head) is not None and re.search(rb"wordpress\.org/export/\d", head) is not None


class _Parser(DefusedXMLParser):
    """defusedxml's parser, but a DOCTYPE is only noted here: the target refuses it at the root
    element, after any entity declaration inside it has been refused with its own clearer message."""

    doctype: str | None = None

    def defused_start_doctype_decl(self, name, sysid, pubid, has_internal_subset):
        self.doctype = name


class _Target:
    """Receives expat's events; collects each <item>'s fields into a dict in `self.items`."""

    def __init__(self, max_item_size: int | None):
        self.parser: _Parser | None = None  # set once the parser exists; for line numbers
        self.max_item_size = max_item_size
        self.wxr_namespace: str | None = None
        self.channel: dict[str, str] = {}
        self.items: list[dict] = []  # finished items, drained by iter_items() after every chunk
        self.item_count = 0
        self._names: dict[str, str] = {}
        self._path: list[str] = []
        self._item: dict | None = None
        self._field: str | None = None  # the element whose text is being collected
        self._text: list[str] = []
        self._size = 0
        self._attrib: dict[str, str] = {}

    def _name(self, tag: str) -> str:
        """'{http://wordpress.org/export/1.2/}status' -> 'wp:status', whatever the WXR version."""
        name = self._names.get(tag)
        if name is None:
            uri, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
            if _WP_NS_RE.match(uri):
                prefix = "wp"
            elif _EXCERPT_NS_RE.match(uri):
                prefix = "excerpt"
            else:
                prefix = _OTHER_NS.get(uri, uri)
            name = self._names[tag] = f"{prefix}:{local}" if prefix else local
        return name

    def start_ns(self, prefix, uri):
        if _WP_NS_RE.match(uri):
            self.wxr_namespace = uri

    def start(self, tag, attrib):
        name = self._name(tag)
        path = self._path
        if not path:
            self._check_root(name)
        elif self._item is not None:
            depth = len(path) - self._item["_depth"]
            if (depth == 1 and name in _ITEM_FIELDS) or (depth == 2 and path[-1] == "wp:postmeta"):
                self._begin(name, attrib)
        elif name == "item" and path == ["rss", "channel"]:
            self.item_count += 1
            line = self.parser.parser.CurrentLineNumber
            self._item = {"_n": self.item_count, "_line": line, "_depth": len(path), "category": [], "meta": {}}
        elif path == ["rss", "channel"] and name in _CHANNEL_FIELDS:
            self._begin(name, attrib)
        path.append(name)

    def _check_root(self, name: str) -> None:
        if self.parser.doctype is not None:
            raise _Refused(f"declares a document type (<!DOCTYPE {self.parser.doctype}>); WordPress exports never do")
        if name != "rss" or self.wxr_namespace is None:
            local_name = name.rpartition(":")[2]
            what = "an <rss> feed without the WordPress export namespace" if name == "rss" else f"<{local_name}>"
            raise _Refused(f"is XML but not a WordPress export (WXR): its root element is {what}")

    def _begin(self, name: str, attrib: dict) -> None:
        self._field, self._text, self._size, self._attrib = name, [], 0, attrib

    def data(self, text):
        if self._field is None:
            return
        if self.max_item_size is not None:
            self._size += len(text.encode())
            if self._size > self.max_item_size:
                self._text = []  # stop keeping text we will not use; keep counting for the message
                if self._item is not None:
                    self._item["_too_big"] = (self._field, self._size)
                return
        self._text.append(text)

    def end(self, tag):
        name = self._path.pop()
        item = self._item
        if name == self._field:
            text = "".join(self._text).strip()
            self._field, self._text = None, []
            if item is None:
                self.channel[name] = text
            elif name == "category":
                item["category"].append((self._attrib.get("domain", ""), self._attrib.get("nicename", ""), text))
            elif name == "guid":
                item["guid"], item["guid_is_permalink"] = text, self._attrib.get("isPermaLink", "true") != "false"
            elif name not in item or name in {"wp:meta_key", "wp:meta_value"}:  # else the first one wins
                item[name] = text
        elif item is not None:
            if name == "wp:postmeta":
                key, value = item.pop("wp:meta_key", ""), item.pop("wp:meta_value", "")
                if key in _META_KEYS and value:
                    item["meta"].setdefault(key, []).append(value)
            elif name == "item" and len(self._path) == item["_depth"]:
                self.items.append(item)
                self._item = None


class _Refused(Exception):
    """Raised inside expat's callbacks; turned into a SourceError with the line."""


def iter_items(
    stream: BinaryIO, *, location: str, include_pages: bool = False, max_item_size: int | None = None
) -> Iterator[ArticleRecord | Skipped | SourceError]:
    """Yield one result per <item> of a WXR file, in file order.

    Problems with one item are yielded as SourceError so the rest can go on; a file
    that cannot be read as a safe, well-formed WordPress export raises SourceError.
    """
    target = _Target(max_item_size)
    parser = target.parser = _Parser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    error = None
    try:
        while chunk := stream.read(CHUNK_SIZE):
            parser.feed(chunk)
            yield from _drain(target, location, include_pages, max_item_size)
        parser.close()
    except (ParseError, EntitiesForbidden, ExternalReferenceForbidden, _Refused) as exc:
        error = _file_error(exc, location, parser.parser)
    # Items completed before a fatal error still come out, wherever the chunk boundaries fell.
    yield from _drain(target, location, include_pages, max_item_size)
    if error is not None:
        raise error


def _file_error(exc: Exception, location: str, expat) -> SourceError:
    if isinstance(exc, ParseError):
        line, column = exc.position
        reason = str(exc).split(":")[0]
        hint = " (often a control character pasted into a post)" if "invalid token" in reason else ""
        return SourceError(f"{location} (line {line}, column {column + 1})", f"is not well-formed XML: {reason}{hint}")
    where = f"{location} (line {expat.CurrentLineNumber}, column {expat.CurrentColumnNumber + 1})"
    if isinstance(exc, EntitiesForbidden):
        if exc.sysid:
            danger = f"an external entity {exc.name!r} ({exc.sysid}), which would read a file or address"
        else:
            danger = f"the entity {exc.name!r}; entities can expand into gigabytes of text ('billion laughs')"
        return SourceError(where, f"declares {danger}. Refused: WordPress exports never declare entities")
    if isinstance(exc, ExternalReferenceForbidden):
        return SourceError(where, f"refers to an external resource ({exc.sysid}); refused")
    return SourceError(where, str(exc))


def _drain(target: _Target, *args) -> Iterator[ArticleRecord | Skipped | SourceError]:
    items, target.items = target.items, []
    for item in items:
        yield _convert(item, target.channel, *args)


def _convert(
    item: dict, channel: dict, location: str, include_pages: bool, max_item_size: int | None
) -> ArticleRecord | Skipped | SourceError:
    loc = f"{location}, item {item['_n']} (line {item['_line']})"
    post_type = item.get("wp:post_type") or "post"
    if post_type != "post" and not (post_type == "page" and include_pages):
        return Skipped(loc, post_type)
    if "_too_big" in item:
        field, size = item["_too_big"]
        what = _FIELD_NAMES.get(field, field)
        return SourceError(loc, f"{what} is {size} bytes, over the {max_item_size} byte limit (IMPORT_MAX_FILE_SIZE)")
    title = strip_tags(item.get("title", ""))
    if not title:
        return SourceError(loc, "has no title; give it one in WordPress or skip it")

    import_key = _import_key(item, channel)
    if import_key is None:
        return SourceError(loc, "has neither a guid nor a wp:post_id, so a re-import could not recognise it")

    notes: list[str] = []
    status, published_at = _status_and_date(item, notes)
    try:
        body = html_to_markdown(item.get("content:encoded", ""), notes)
    except RecursionError:
        return SourceError(loc, "its HTML is nested too deeply to convert")
    meta = {key: values[0] for key, values in item["meta"].items()}
    canonical = next((meta[key] for key in _CANONICAL_KEYS if key in meta), "")
    if canonical and urlsplit(canonical).scheme not in {"http", "https"}:
        notes.append(f"ignored canonical URL {canonical!r}: not an http(s) address")
        canonical = ""
    topic, tags = _terms(item["category"])
    url = item.get("link") or (item.get("guid", "") if item.get("guid_is_permalink") else "")
    return ArticleRecord(
        import_key=import_key,
        location=loc,
        title=title,
        body=body,
        slug=_slug(item.get("wp:post_name", "")),
        summary=strip_tags(item.get("excerpt:encoded", "")),
        meta_description=strip_tags(next((meta[key] for key in _DESCRIPTION_KEYS if key in meta), "")),
        status=status,
        published_at=published_at,
        updated_at=_date(item, "wp:post_modified", notes),
        topic=topic,
        tags=tags,
        author=item.get("dc:creator", ""),
        canonical_url=canonical,
        redirect_from=_old_paths(url, item.get("wp:post_name", ""), item["meta"].get(_OLD_SLUG_KEY, [])),
        source_url=url,
        notes=list(dict.fromkeys(notes)),
    )


def _import_key(item: dict, channel: dict) -> str | None:
    if item.get("guid"):
        return f"wordpress:{item['guid']}"
    if item.get("wp:post_id"):
        site = channel.get("wp:base_site_url") or channel.get("wp:base_blog_url", "")
        return f"wordpress:{site}:{item['wp:post_id']}"
    return None


def _status_and_date(item: dict, notes: list[str]) -> tuple[str, datetime | None]:
    """WordPress's publish and future (scheduled) become published; every other status is a draft."""
    wp_status = item.get("wp:status", "")
    published_at = _date(item, "wp:post_date", notes, local_fallback=wp_status in {"publish", "future"})
    if wp_status == "publish":
        if published_at is None:
            notes.append("published in WordPress but has no date; it will be dated at import")
        return "published", published_at
    if wp_status == "future":
        if published_at is None:  # never publish a scheduled post early
            notes.append("scheduled in WordPress but has no date; imported as a draft")
            return "draft", None
        return "published", published_at
    if wp_status != "draft":
        notes.append(f"WordPress status {wp_status or '(none)'!r} imported as a draft")
    return "draft", published_at


def _date(item: dict, field: str, notes: list[str], *, local_fallback: bool = True) -> datetime | None:
    """`field`_gmt as an aware UTC datetime; None for WordPress's all-zero "no date".

    Drafts have an all-zero GMT date until they get a real one, and their local date is
    only when they were last saved, so `local_fallback` is off for them. For published
    posts from old exports without GMT dates the local time, read as UTC, is the best we
    have; it is off by at most the site's UTC offset, and a note says so.
    """
    gmt = item.get(f"{field}_gmt", "")
    if gmt and gmt != _ZERO_DATE:
        return _parse_date(gmt, f"{field}_gmt", notes)
    local = item.get(field, "")
    if local_fallback and local and local != _ZERO_DATE:
        value = _parse_date(local, field, notes)
        if value is not None:
            notes.append(f"{field} has no GMT version; read {local} as UTC")
        return value
    return None


def _parse_date(text: str, field: str, notes: list[str]) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        notes.append(f"ignored unreadable {field} {text!r}")
        return None


def _slug(post_name: str) -> str:
    # WordPress stores non-ASCII slugs percent-encoded, and renames trashed posts' slugs.
    return unquote(post_name).removesuffix("__trashed").strip()


def _terms(categories: list[tuple[str, str, str]]) -> tuple[str, list[str]]:
    """Topic: the first real category. Tags: in order, without case-insensitive repeats.

    WXR 1.0 repeats each term without a domain and calls tags "tag" rather than "post_tag".
    """
    names = [(domain, nicename, strip_tags(text)) for domain, nicename, text in categories]
    topics = [(nicename, name) for domain, nicename, name in names if domain == "category"]
    topics = topics or [("", name) for domain, _, name in names if not domain]
    topic = next((name for nicename, name in topics if {nicename, name.casefold()}.isdisjoint(_UNCATEGORIZED)), "")
    tags: dict[str, str] = {}
    for domain, _, name in names:
        if domain in {"post_tag", "tag"} and name:
            tags.setdefault(name.casefold(), name)
    return topic, list(tags.values())


def _old_paths(url: str, post_name: str, old_slugs: list[str]) -> list[str]:
    """The post's addresses on the old site, as paths (decoded, as Django's request.path is):
    its permalink, and the same with each earlier slug WordPress still redirected."""
    if not url:
        return []
    parts = urlsplit(url)
    path = unquote(parts.path) or "/"
    if path == "/":
        return [f"/?{parts.query}"] if parts.query else []
    paths = [path]
    segments = path.split("/")
    if post_name and unquote(post_name) in segments:
        i = len(segments) - 1 - segments[::-1].index(unquote(post_name))
        paths += ["/".join([*segments[:i], unquote(old), *segments[i + 1 :]]) for old in old_slugs]
    return list(dict.fromkeys(paths))
