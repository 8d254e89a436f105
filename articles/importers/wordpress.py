"""WordPress export files (WXR: "WordPress eXtended RSS", Tools > Export in WordPress).

The file is streamed through expat, via defusedxml's parser, with a small target
that keeps only the fields of the <item> being read: memory stays flat however
large the export. DTDs and entity declarations are refused outright: WordPress
never writes them, and they are how "billion laughs" and external-file attacks work.

Every post WordPress holds arrives (pages with include_pages): two posts may share a
guid, a post may have no title or no content. Only what readers could not see stays
out of public view: drafts, private, pending, trashed and password-protected posts
are imported as drafts, with a note saying why.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from ..markdown import render_markdown
from ..models import TITLE_MAX_LENGTH
from ..text import has_visible_text, is_web_url, strip_tags, truncate_words_at
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
    "wp:status", "wp:post_name", "wp:post_type", "wp:post_password", "wp:attachment_url",
}  # fmt: skip
_CHANNEL_FIELDS = {"wp:base_site_url", "wp:base_blog_url"}
# SEO plugins' post meta, in order of preference.
_DESCRIPTION_KEYS = ("_yoast_wpseo_metadesc", "_aioseo_description", "_aioseop_description", "rank_math_description")
_CANONICAL_KEYS = ("_yoast_wpseo_canonical", "rank_math_canonical_url")
_OLD_SLUG_KEY = "_wp_old_slug"  # WordPress keeps redirecting a post's earlier slugs
# A post's featured image (an attachment's post id); an attachment's file under wp-content/uploads/ and alt text.
_THUMBNAIL_KEY, _ATTACHED_FILE_KEY, _ALT_KEY = "_thumbnail_id", "_wp_attached_file", "_wp_attachment_image_alt"
_META_KEYS = {*_DESCRIPTION_KEYS, *_CANONICAL_KEYS, _OLD_SLUG_KEY, _THUMBNAIL_KEY, _ATTACHED_FILE_KEY, _ALT_KEY}
_UPLOADS_MARKER = "/wp-content/uploads/"
_FIELD_NAMES = {"content:encoded": "content", "excerpt:encoded": "excerpt", "wp:meta_value": "a post meta value"}

_ZERO_DATE = "0000-00-00 00:00:00"
_UNCATEGORIZED = {"uncategorized"}
KEY_MAX_LENGTH = 500  # Article.import_key

# A post without a title is named after its first words, within these limits.
TITLE_WORDS, TITLE_CHARS = 8, 60
_URL_WORD_RE = re.compile(r"<?https?://", re.IGNORECASE)
# An article needs a body; a post with none gets this one, and becomes a draft.
EMPTY_BODY = "*This post was empty in WordPress.*"


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


@dataclass(frozen=True)
class Attachment:
    """A media item of the export: its file (relative to wp-content/uploads/), address, alt text and caption."""

    post_id: str
    file: str
    url: str
    alt: str
    caption: str


def collect_attachments(stream: BinaryIO) -> dict[str, Attachment]:
    """Every attachment of a WXR file, by post id: a first pass, since posts may come before their images.

    A file that cannot be read yields what was read before the problem; the import pass reports it.
    """
    target = _Target(None)
    parser = target.parser = _Parser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    found: dict[str, Attachment] = {}

    def drain():
        items, target.items = target.items, []
        for item in items:
            if item.get("wp:post_type") == "attachment" and item.get("wp:post_id"):
                meta = {key: values[0] for key, values in item["meta"].items()}
                url = item.get("wp:attachment_url", "")
                file = meta.get(_ATTACHED_FILE_KEY) or url.partition(_UPLOADS_MARKER)[2]
                alt, caption = strip_tags(meta.get(_ALT_KEY, "")), strip_tags(item.get("excerpt:encoded", ""))
                found[item["wp:post_id"]] = Attachment(item["wp:post_id"], file, url, alt, caption)

    try:
        while chunk := stream.read(CHUNK_SIZE):
            parser.feed(chunk)
            drain()
        parser.close()
    except (ParseError, EntitiesForbidden, ExternalReferenceForbidden, _Refused):
        pass
    drain()
    return found


@dataclass
class _Run:
    """One file's options, and what its earlier items claimed."""

    location: str
    include_pages: bool
    max_item_size: int | None
    source_name: str
    keys: dict[str, int] = field(default_factory=dict)  # import key -> the item number that has it
    legacy_guids: set[str] = field(default_factory=set)  # guids already given out as a legacy key
    attachments: dict[str, Attachment] | None = None  # with --media-root: see collect_attachments


def iter_items(
    stream: BinaryIO,
    *,
    location: str,
    include_pages: bool = False,
    max_item_size: int | None = None,
    source_name: str = "",
    attachments: dict[str, Attachment] | None = None,
) -> Iterator[ArticleRecord | Skipped | SourceError]:
    """Yield one result per <item> of a WXR file, in file order.

    `source_name` names the site in import keys when the export does not (no
    wp:base_blog_url or wp:base_site_url); `location` stands in when it is empty.
    Problems with one item are yielded as SourceError so the rest can go on; a file
    that cannot be read as a safe, well-formed WordPress export raises SourceError.
    """
    run = _Run(location, include_pages, max_item_size, source_name.strip() or location, attachments=attachments)
    target = _Target(max_item_size)
    parser = target.parser = _Parser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    error = None
    try:
        while chunk := stream.read(CHUNK_SIZE):
            parser.feed(chunk)
            yield from _drain(target, run)
        parser.close()
    except (ParseError, EntitiesForbidden, ExternalReferenceForbidden, _Refused) as exc:
        error = _file_error(exc, location, parser.parser)
    # Items completed before a fatal error still come out, wherever the chunk boundaries fell.
    yield from _drain(target, run)
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


def _drain(target: _Target, run: _Run) -> Iterator[ArticleRecord | Skipped | SourceError]:
    items, target.items = target.items, []
    for item in items:
        yield _convert(item, target.channel, run)


def _convert(item: dict, channel: dict, run: _Run) -> ArticleRecord | Skipped | SourceError:
    loc = f"{run.location}, item {item['_n']} (line {item['_line']})"
    post_type = item.get("wp:post_type") or "post"
    if post_type != "post" and not (post_type == "page" and run.include_pages):
        return Skipped(loc, post_type)
    if "_too_big" in item:
        field_name, size = item["_too_big"]
        what = _FIELD_NAMES.get(field_name, field_name)
        return SourceError(
            loc, f"{what} is {size} bytes, over the {run.max_item_size} byte limit (IMPORT_MAX_FILE_SIZE)"
        )
    keys = _keys(item, channel, run, loc)
    if isinstance(keys, SourceError):
        return keys
    import_key, legacy_key = keys

    notes: list[str] = []
    try:
        body = html_to_markdown(item.get("content:encoded", ""), notes, attachments=run.attachments)
    except RecursionError:
        return SourceError(loc, "its HTML is nested too deeply to convert")
    title = _title(item, body, notes)
    hidden: list[str] = []  # why it must be a draft, whatever its WordPress status
    if not has_visible_text(body):  # zero-width characters and &nbsp; alone are empty too
        # WordPress publishes a post with only a title; an article needs a body, and an empty
        # page should not go public unseen. An editor writes it, or deletes it.
        body = EMPTY_BODY
        hidden.append("has no content in WordPress; imported as a draft with a placeholder body")
    if item.get("wp:post_password"):  # WordPress showed it only to readers who had the password
        hidden.append("was password-protected in WordPress; imported as a draft")
    status, published_at = _status_and_date(item, notes, hidden)
    private = ["was private in WordPress"] if item.get("wp:status") == "private" else []
    meta = {key: values[0] for key, values in item["meta"].items()}
    canonical = next((meta[key] for key in _CANONICAL_KEYS if key in meta), "")
    if canonical and not is_web_url(canonical):
        notes.append(f"ignored canonical URL {canonical!r}: not an http(s) address")
        canonical = ""
    featured = _featured_image(meta.get(_THUMBNAIL_KEY, ""), run.attachments, notes)
    topic, tags = _terms(item["category"])
    url = item.get("link") or (item.get("guid", "") if item.get("guid_is_permalink") else "")
    return ArticleRecord(
        import_key=import_key,
        legacy_key=legacy_key,
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
        draft_reason="; ".join(hidden + private),
        featured_image=featured.file or featured.url if featured else "",
        featured_image_alt=featured.alt if featured else "",
        featured_image_caption=featured.caption if featured else "",
    )


def _featured_image(post_id: str, attachments: dict[str, Attachment] | None, notes: list[str]) -> Attachment | None:
    if not post_id:
        return None
    if attachments is None:
        notes.append(f"has a featured image (attachment {post_id}); give --media-root to bring it in")
        return None
    if post_id not in attachments:
        notes.append(f"its featured image (attachment {post_id}) is not in the export; not imported")
    return attachments.get(post_id)


def _keys(item: dict, channel: dict, run: _Run, loc: str) -> tuple[str, str] | SourceError:
    """The item's import key, and the key earlier versions of this importer gave it ("" if the same).

    A post is its site and its wp:post_id: guids are not unique in real exports (plugins
    that duplicate posts copy it, posts imported from another blog keep theirs), so two
    posts keyed by guid overwrote each other and every re-import flipped between them.
    Earlier versions keyed by guid, else by the raw base URL and post id: an article
    stored under that key is adopted. Of posts sharing a guid only the first adopts it.
    """
    guid, post_id = item.get("guid", ""), item.get("wp:post_id", "")
    if post_id:
        key, what, value = f"wordpress:{_site(channel, run.source_name)}:{post_id}", "wp:post_id", post_id
    elif guid:  # very old or hand-made exports
        key, what, value = f"wordpress:{guid}", "guid", guid
    else:
        return SourceError(loc, "has neither a guid nor a wp:post_id, so a re-import could not recognise it")
    if len(key) > KEY_MAX_LENGTH:
        key = f"wordpress:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    first = run.keys.setdefault(key, item["_n"])
    if first != item["_n"]:
        return SourceError(
            loc, f"repeats the {what} of item {first} ({value}): one post twice; item {first} is imported"
        )
    if guid:
        legacy = f"wordpress:{guid}" if guid not in run.legacy_guids else ""
        run.legacy_guids.add(guid)
    else:
        old_site = channel.get("wp:base_site_url") or channel.get("wp:base_blog_url", "")
        legacy = f"wordpress:{old_site}:{post_id}"
    return key, "" if legacy == key else legacy


def _site(channel: dict, fallback: str) -> str:
    """The exported site, as import keys name it.

    wp:base_blog_url is the site's own address. wp:base_site_url is the same on a single
    site, but on a multisite network it is the network's address, shared by all its sites
    (whose post ids overlap), so it only stands in. The scheme is dropped, the host
    lower-cased and trailing slashes removed: http://Example.com/ and https://example.com
    are one site (moved to HTTPS between two exports); example.com/blog and example.com/shop
    stay two. Exports too old to name their site are named by `fallback`.
    """
    for name in ("wp:base_blog_url", "wp:base_site_url"):
        url = channel.get(name, "")
        parts = urlsplit(url if "//" in url else f"//{url}")
        host = parts.netloc.rpartition("@")[2].lower()
        if host:
            return host + parts.path.rstrip("/")
    return fallback


def _title(item: dict, body: str, notes: list[str]) -> str:
    """The post's title as plain text; for a post without one, its first words, else "Untitled (date)"."""
    title = strip_tags(item.get("title", ""))
    if not has_visible_text(title):
        title = _first_words(body) or _untitled(item)
        notes.append(f"had no title; titled it {title!r}")
    elif len(title) > TITLE_MAX_LENGTH:
        notes.append(f"title is {len(title)} characters; shortened to fit the limit of {TITLE_MAX_LENGTH}")
        title = truncate_words_at(title, TITLE_MAX_LENGTH)
    return title


def _first_words(body: str) -> str:
    """Up to TITLE_WORDS words of the body's text, within TITLE_CHARS; "…" when the text goes on.

    Bare addresses (an embed's URL) make poor titles and are left out.
    """
    text = strip_tags(render_markdown(body[:10_000]))  # the start is enough, however long the post
    words = [word for word in text.split() if has_visible_text(word) and not _URL_WORD_RE.match(word)]
    picked: list[str] = []
    for word in words[:TITLE_WORDS]:
        if len(" ".join([*picked, word])) > TITLE_CHARS:
            break
        picked.append(word)
    if not picked and words:
        picked = [words[0][:TITLE_CHARS]]  # one enormous word
    text = " ".join(picked)
    if text == " ".join(words):
        return text.rstrip(" ,;:.")  # the whole text: a title has no full stop
    text = text.rstrip(" ,;:.!?-–—/([{")  # cut short: no dangling punctuation before the "…"
    return f"{text}…" if text else ""


def _untitled(item: dict) -> str:
    """'Untitled (2024-05-01)', by the date the author saw in WordPress, else plain "Untitled"."""
    for name in ("wp:post_date", "wp:post_date_gmt"):
        try:
            day = datetime.strptime(item.get(name, "")[:10], "%Y-%m-%d").date()
        except ValueError:
            continue
        return f"Untitled ({day.isoformat()})"
    return "Untitled"


def _status_and_date(item: dict, notes: list[str], hidden: list[str]) -> tuple[str, datetime | None]:
    """WordPress's publish and future (scheduled) become published; every other status is a draft,
    and so is any post with a reason in `hidden` (noted instead of other status notes)."""
    wp_status = item.get("wp:status", "")
    public = wp_status in {"publish", "future"}
    published_at = _date(item, "wp:post_date", notes, local_fallback=public)
    if not public and wp_status != "draft":
        notes.append(f"WordPress status {wp_status or '(none)'!r} imported as a draft")
    if hidden or not public:
        notes.extend(hidden)
        return "draft", published_at
    if published_at is None:
        if wp_status == "future":  # never publish a scheduled post early
            notes.append("scheduled in WordPress but has no date; imported as a draft")
            return "draft", None
        notes.append("published in WordPress but has no date; it will be dated at import")
    return "published", published_at


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
