"""Markdown files with optional front matter (Jekyll, Hugo, exports of this site) → ArticleRecord.

    ---
    title: Hello
    date: 2024-05-01
    tags: [a, b]
    ---
    The body, in Markdown.

Hugo's TOML front matter between '+++' lines is read too. Without front matter (or
without a title in it) the first level-one heading is the title; a Jekyll file name such
as 2024-05-01-my-post.md gives the date and slug the front matter leaves out.
"""

import re
import tomllib
from datetime import date, datetime, time

import yaml
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..models import validate_sane_date
from ..text import clean_body, normalise_newlines
from .links import site_path
from .records import ArticleRecord, SourceError

NO_TITLE = "no title: add a 'title:' line to the front matter or start the file with '# Title'"

# Synonyms, first wins. Keys are matched case-insensitively ("canonicalURL" is Hugo's).
TITLE_KEYS = ("title",)
SLUG_KEYS = ("slug",)
PUBLISHED_KEYS = ("published_at", "date")
UPDATED_KEYS = ("updated", "updated_at", "lastmod", "last_modified_at")
TOPIC_KEYS = ("topic", "category", "categories")
AUTHOR_KEYS = ("author",)
CANONICAL_KEYS = ("canonical_url", "canonicalurl")
REDIRECT_KEYS = ("redirect_from", "aliases")
FEATURED_IMAGE_KEYS = ("featured_image", "image")

STATUS_WORDS = {
    "draft": "draft",
    "published": "published",
    "publish": "published",
    "public": "published",
    # A future date is what schedules an article; the status itself is "published".
    "scheduled": "published",
    "review": "review",  # "Ready for review", as exported
}
DATE_FORMS = "a date like 2024-05-01, or a date and time like 2024-05-01T09:30:00 or 2024-05-01T09:30:00+02:00"

_CLOSING_LINES = ("---", "...")
_ATX_H1 = re.compile(r" {0,3}#[ \t]+(.*)")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_ANY_ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SETEXT_H1 = re.compile(r" {0,3}=+[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def parse(text: str, *, import_key: str, location: str) -> ArticleRecord:
    meta, body = _split_front_matter(normalise_newlines(text), location)
    # A post named 2024-05-01-x.md has a date to fall back on when its front matter's is unreadable.
    meta.dated_name = bool(_JEKYLL_NAME_RE.search(import_key.rsplit("/", 1)[-1]))
    fields = meta.fields()
    if not fields.get("title"):
        fields["title"], body = _heading_title(body)
    if not fields["title"]:
        raise SourceError(location, NO_TITLE)
    _fill_from_file_name(fields, import_key)
    return ArticleRecord(import_key=import_key, location=location, body=clean_body(body), notes=meta.notes, **fields)


def front_matter(text: str, location: str) -> dict:
    """The front matter's keys (lower-cased) and values, for readers of a site's other conventions."""
    return _split_front_matter(normalise_newlines(text), location)[0].data


# Jekyll's _posts/2024-05-01-my-post.md: the name carries the date and the slug.
_JEKYLL_NAME_RE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[^/]+)\.(?:md|markdown)$", re.IGNORECASE)


def _fill_from_file_name(fields: dict, import_key: str) -> None:
    match = _JEKYLL_NAME_RE.search(import_key.rsplit("/", 1)[-1])
    # A file that names its slug (as export_articles writes it) is not a Jekyll post.
    if not match or fields.get("slug"):
        return
    if not fields.get("published_at"):
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:  # 2024-02-30-...: a name that only looks dated
            day = None
        if day:
            fields["published_at"] = timezone.make_aware(datetime.combine(day, time.min))
    if not fields.get("slug"):
        fields["slug"] = match["slug"]


# -- front matter ----------------------------------------------------------------


def _split_front_matter(text: str, location: str) -> tuple["_FrontMatter", str]:
    """YAML between '---' lines (Jekyll, Hugo, Eleventy...) or TOML between '+++' lines (Hugo)."""
    lines = text.split("\n")
    opening = lines[0].rstrip(" \t")
    if opening not in {"---", "+++"}:
        return _FrontMatter({}, [], location), text
    closing = _CLOSING_LINES if opening == "---" else ("+++",)
    for end in range(1, len(lines)):
        if lines[end].rstrip(" \t") in closing:
            break
    else:
        raise SourceError(f"{location}, line 1", f"the front matter that starts here has no closing '{opening}' line")
    meta_lines = lines[1:end]
    source = "\n".join(meta_lines)
    data = _load_yaml(source, location) if opening == "---" else _load_toml(source, location)
    if data is None:
        data = {}  # "---\n---": empty front matter
    if not isinstance(data, dict):
        raise SourceError(
            f"{location}, line 2",
            f"front matter must be 'key: value' lines (like 'title: My article'), not a {_kind(data)}",
        )
    return _FrontMatter(data, meta_lines, location), "\n".join(lines[end + 1 :])


def _load_toml(source: str, location: str) -> dict:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14 has exc.lineno; before it the line is only in the message.
        line = getattr(exc, "lineno", None) or int((re.search(r"line (\d+)", str(exc)) or [0, 0])[1])
        where = f"{location}, line {line + 1}" if line else location
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise SourceError(where, f"front matter is not valid TOML: {message}") from None


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader, but an impossible date (2024-02-30) stays text, so the field check names its line."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


def _load_yaml(source: str, location: str):
    try:
        return yaml.load(source, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # +2: the front matter starts on the file's second line, and YAML counts from 0.
        where = f"{location}, line {mark.line + 2}" if mark else location
        raise SourceError(where, f"front matter is not valid YAML: {exc.problem or exc.context or exc}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        line = source.count("\n", 0, exc.position) + 2
        message = f"front matter is not valid YAML: it contains the character U+{exc.character:04X}, which YAML forbids"
        raise SourceError(f"{location}, line {line}", message) from None
    except yaml.YAMLError as exc:
        raise SourceError(location, f"front matter is not valid YAML: {exc}") from None
    except RecursionError:
        raise SourceError(location, "front matter is nested too deeply to read") from None


def _kind(value) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "plain text"
    return type(value).__name__


class _FrontMatter:
    """The front matter's values, read into ArticleRecord fields with errors that name the line."""

    def __init__(self, data: dict, lines: list[str], location: str):
        # Unknown and non-text keys are ignored; empty values ("tags:") count as absent.
        self.data = {key.lower(): value for key, value in data.items() if isinstance(key, str) and value is not None}
        self.lines = lines
        self.location = location
        self.dated_name = False
        self.notes: list[str] = []

    def fields(self) -> dict:
        summary, meta_description = self._descriptions()
        return {
            "title": self._text(TITLE_KEYS),
            "slug": self._text(SLUG_KEYS),
            "status": self._status(),
            "published_at": self._published(),
            "updated_at": self._datetime(UPDATED_KEYS),
            "tags": self._list(("tags",)),
            "topic": self._topic(),
            "summary": summary,
            "meta_description": meta_description,
            "author": self._text(AUTHOR_KEYS),
            "canonical_url": self._text(CANONICAL_KEYS),
            "redirect_from": list(dict.fromkeys(site_path(path) for path in self._list(REDIRECT_KEYS))),
            "featured_image": self._text(FEATURED_IMAGE_KEYS),
        }

    # -- lookup and errors

    def _pick(self, keys: tuple[str, ...]) -> tuple[str, object]:
        for key in keys:
            if key in self.data:
                return key, self.data[key]
        return keys[0], None

    def error(self, key: str, message: str) -> SourceError:
        pattern = re.compile(rf"{re.escape(key)}\s*[:=]", re.IGNORECASE)
        for number, line in enumerate(self.lines, start=2):
            if pattern.match(line):
                return SourceError(f"{self.location}, line {number}", message)
        return SourceError(self.location, message)

    # -- value types

    def _text(self, keys: tuple[str, ...]) -> str:
        key, value = self._pick(keys)
        return "" if value is None else self._as_text(key, value)

    def _as_text(self, key: str, value) -> str:
        # Whole numbers read back exactly; 1.50, yes or 2024-05-01 09:30 would not.
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return str(value).strip()
        raise self.error(key, f"'{key}' must be text; put the value in quotes ({key}: \"...\")")

    def _list(self, keys: tuple[str, ...]) -> list[str]:
        """A YAML list, or comma-separated text; blanks and repeats dropped."""
        key, value = self._pick(keys)
        return [] if value is None else self._as_list(key, value)

    def _as_list(self, key: str, value) -> list[str]:
        if isinstance(value, str):
            items = value.split(",")
        elif isinstance(value, list):
            if any(isinstance(item, (list, dict)) for item in value):
                raise self.error(key, f"'{key}' must be a simple list like [one, two], not a nested one")
            items = [self._as_text(key, item) for item in value if item is not None]
        else:
            raise self.error(key, f"'{key}' must be a list like [one, two] or comma-separated text like 'one, two'")
        return list(dict.fromkeys(item.strip() for item in items if item.strip()))

    def _datetime(self, keys: tuple[str, ...]) -> datetime | None:
        key, value = self._pick(keys)
        if value is None:
            return None
        if isinstance(value, str):
            value = _parse_datetime_text(value.strip())
        elif isinstance(value, date) and not isinstance(value, datetime):
            value = datetime.combine(value, time())
        if not isinstance(value, datetime):
            raise self.error(key, f"'{key}' must be {DATE_FORMS}")
        try:
            validate_sane_date(value)  # before make_aware, which can overflow at the calendar's ends
        except ValidationError as exc:
            raise self.error(key, f"'{key}': {exc.messages[0]}") from None
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value

    # -- fields with their own rules

    def _published(self) -> datetime | None:
        try:
            return self._datetime(PUBLISHED_KEYS)
        except SourceError as error:
            if not self.dated_name:
                raise
            # A typo in one post's date should not cost the post: its file name is dated too.
            self.notes.append(
                f"{error.location.removeprefix(self.location + ', ')}: {error.message}; used the date in the file name"
            )
            return None

    def _status(self) -> str | None:
        # draft: true is how Jekyll and Hugo keep a post private; it wins over any status.
        if "draft" in self.data:
            draft = self.data["draft"]
            if not isinstance(draft, bool):
                raise self.error("draft", "'draft' must be true or false")
            if draft:
                return "draft"
        if "status" not in self.data:
            return "published" if "draft" in self.data else None
        word = self._as_text("status", self.data["status"]).lower()
        if word not in STATUS_WORDS:
            accepted = ", ".join(STATUS_WORDS)
            raise self.error("status", f"'status' must be one of {accepted}, not {word!r}")
        return STATUS_WORDS[word]

    def _topic(self) -> str:
        key, value = self._pick(TOPIC_KEYS)
        if value is None or key == "topic":
            return self._text((key,))
        if key == "categories" and isinstance(value, str) and "," not in value:
            value = value.split()  # Jekyll: "categories: jekyll update" is two categories
        names = self._as_list(key, value)  # [a, b] → a
        return names[0] if names else ""

    def _descriptions(self) -> tuple[str, str]:
        """(summary, meta_description): 'description' is the summary unless there is a 'summary' too."""
        summary = self._text(("summary",))
        description = self._text(("description",))
        meta_description = self._text(("meta_description",))
        if not summary:
            return description, meta_description
        return summary, meta_description or description


def _parse_datetime_text(text: str) -> datetime | None:
    """ISO 8601 with or without time and zone, and Jekyll's '2024-05-01 09:30:00 +0200'."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        parsed = parse_datetime(text)
        day = None if parsed else parse_date(text)
    except ValueError:  # well-formed but impossible, like 2024-02-30
        return None
    return parsed or (datetime.combine(day, time()) if day else None)


# -- title from a heading ----------------------------------------------------------


def _heading_title(body: str) -> tuple[str, str]:
    """(title, body without it) from the first level-one heading outside code; ("", body) if none."""
    lines = body.split("\n")
    for index in _lines_outside_fences(lines):
        atx = _ATX_H1.fullmatch(lines[index])
        if atx:
            title = _ATX_CLOSING.sub("", atx.group(1)).strip()
            if title:
                return title, "\n".join(lines[:index] + lines[index + 1 :])
        elif _SETEXT_H1.fullmatch(lines[index]):
            start = _paragraph_start(lines, index)
            if start < index:
                title = " ".join(line.strip() for line in lines[start:index])
                return title, "\n".join(lines[:start] + lines[index + 1 :])
    return "", body


def _lines_outside_fences(lines: list[str]):
    """Indexes of lines not inside ``` or ~~~ fences: '# comment' in a shell example is no heading."""
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            if match and _closes(match, fence):
                fence = ""
        elif match:
            fence = match.group(1)
        else:
            yield index


def _closes(match: re.Match, fence: str) -> bool:
    """A closing fence: the same character, at least as long, nothing after it."""
    marker = match.group(1)
    return marker[0] == fence[0] and len(marker) >= len(fence) and not match.string[match.end() :].strip(" \t")


def _paragraph_start(lines: list[str], underline: int) -> int:
    """First line of the paragraph a setext '===' underlines (== underline when there is none)."""
    start = underline
    while start > 0:
        line = lines[start - 1]
        if not line.strip(" \t") or _ANY_ATX.match(line) or _FENCE.match(line):
            break
        start -= 1
    return start
