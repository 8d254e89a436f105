"""Articles → Markdown files with YAML front matter, the format importers/markdown_files.py reads.

Export, import into an empty database, export again: the files come out byte for byte
the same. So every value is written as the importer will store it, in a fixed order.
"""

import re
from datetime import UTC, datetime
from itertools import batched
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.redirects.models import Redirect

from images.exporting import ImageExport, MissingImage

from .models import Article
from .text import clean_body, normalise_newlines

CHUNK_SIZE = 500
# Longest file name, in UTF-8 bytes, before ".md" (file systems allow 255).
MAX_NAME_BYTES = 200
_SAFE_NAME = re.compile(r"[-\w]+")


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing datetimes as 2024-05-01T09:30:00Z and never a raw YAML line break inside text."""


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.ScalarNode:
    # Tagged as a timestamp, the text is written plain and read back as a datetime.
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", format_datetime(value))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # YAML reads NEL and the Unicode line/paragraph separators as line breaks, and
    # would fold them in a plain or single-quoted scalar; escaped, they survive.
    style = '"' if any(ch in value for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(datetime, _represent_datetime)
_Dumper.add_representer(str, _represent_str)


def format_datetime(value: datetime) -> str:
    """UTC ISO 8601 with Z; microseconds only when there are some."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def export_articles(directory: Path, *, status: str | None = None, chunk_size: int | None = None) -> int:
    """Write one <slug>.md per article into `directory` (which must exist); returns how many."""
    chunk_size = chunk_size or CHUNK_SIZE
    articles = (
        Article.objects.not_trashed()  # an export read back in must not bring deleted articles back
        .select_related("author", "topic", "featured_image")
        .prefetch_related("tags")
        .defer("body_html", "excerpt")  # derived, not exported
        .order_by("pk")
    )
    if status:
        articles = articles.filter(status=status)
    used_names: set[str] = set()
    images = ImageExport(directory)
    count = 0
    # Chunks keep memory flat: the articles stream, and each chunk costs two queries (tags, redirects).
    problems: list[str] = []
    for chunk in batched(articles.iterator(chunk_size=chunk_size), chunk_size):
        redirects = _redirects_to(chunk)
        for article in chunk:
            path = directory / f"{_file_name(article, used_names)}.md"
            redirect_from = redirects.get(article.get_absolute_url(), [])
            try:
                text = render_article(article, redirect_from, images)
            except MissingImage as exc:
                # Still written, with its library references as they are: one lost file must not cost
                # the rest of the export, nor this article's text.
                problems.append(f"{path.name}: {exc}")
                text = render_article(article, redirect_from)
            path.write_text(text, encoding="utf-8", newline="\n")
            count += 1
    if problems:
        raise IncompleteExport(count, problems)
    return count


class IncompleteExport(Exception):
    """Every article was written, but some refer to images their files could not be copied for."""

    def __init__(self, count: int, problems: list[str]):
        self.count, self.problems = count, problems
        super().__init__(
            f"Exported {count} articles, but {len(problems)} refer to library images missing from media storage "
            "(their files keep the image: references and will not import elsewhere):\n  " + "\n  ".join(problems)
        )


def render_article(article: Article, redirect_from: list[str], images: ImageExport | None = None) -> str:
    """The whole file: front matter, a blank line, the body. With `images`, library images are written
    beside it (images/) and the file refers to them there."""
    fields = front_matter_for(article, redirect_from)
    body = clean_body(article.body)
    if images is not None:
        body = images.localise(body)
        if article.featured_image_id:
            fields["featured_image"] = images.write(article.featured_image.ref)
    front_matter = yaml.dump(
        fields,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=float("inf"),
    )
    return f"---\n{front_matter}---\n" + (f"\n{body}\n" if body else "")


def front_matter_for(article: Article, redirect_from: list[str]) -> dict:
    """Every field the importer reads, in a fixed order, empty ones left out."""
    fields = {
        "title": " ".join(article.title.split()),  # as the importer stores it
        "slug": article.slug,
        "status": article.status,
        "published_at": article.published_at,
        "updated": article.updated_at,
        "author": article.author.get_username() if article.author else "",
        "topic": article.topic.name if article.topic else "",
        "tags": sorted(tag.name for tag in article.tags.all()),
        "summary": _text(article.summary),
        "meta_description": _text(article.meta_description),
        "canonical_url": article.canonical_url.strip(),
        "redirect_from": sorted(redirect_from),
    }
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def _text(value: str) -> str:
    # The admin's textareas send \r\n; the importer reads the file with \n.
    return normalise_newlines(value).strip()


def _redirects_to(articles: tuple[Article, ...]) -> dict[str, list[str]]:
    """new_path → old paths, for the redirects of this site that point at these articles."""
    urls = [article.get_absolute_url() for article in articles]
    found: dict[str, list[str]] = {}
    rows = Redirect.objects.filter(site_id=settings.SITE_ID, new_path__in=urls).values_list("new_path", "old_path")
    for new_path, old_path in rows:
        found.setdefault(new_path, []).append(old_path)
    return found


def _file_name(article: Article, used: set[str]) -> str:
    """The slug, unless it is unusable as a file name or taken (case-insensitively: macOS, Windows)."""
    name = article.slug if _SAFE_NAME.fullmatch(article.slug or "") else "article"
    name = name.encode()[:MAX_NAME_BYTES].decode(errors="ignore")
    if name.casefold() in used:
        name = f"{name}-{article.pk}"
    used.add(name.casefold())
    return name
