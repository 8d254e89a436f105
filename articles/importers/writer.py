"""The one write path for every import format.

Each record is validated by the same rules as the admin (Article.full_clean) and
written in its own savepoint: the article, its topic, tags and redirects land
together or not at all.
"""

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from ..models import SLUG_MAX_LENGTH, Article, Tag, Topic, free_slug
from ..text import make_slug
from .links import ImportedAddresses, resolve_link_residue, rewrite_links, site_path, title_key
from .records import ArticleRecord, SourceError


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    LOCALLY_MODIFIED = "locally modified"


@dataclass
class WriteResult:
    outcome: Outcome
    notes: list[str] = field(default_factory=list)


def article_state(article: Article, tag_names: list[str]) -> str:
    """Hash of what an editor can change; differs from the stored one after an edit in the admin."""
    data = [
        article.title,
        article.slug,
        article.summary,
        article.body,
        article.status,
        article.published_at.isoformat() if article.published_at else "",
        article.topic.name if article.topic_id else "",
        sorted(tag_names),
        article.meta_description,
        article.canonical_url,
        article.author_id,
    ]
    return hashlib.sha256(json.dumps(data, default=str, ensure_ascii=False).encode()).hexdigest()


class ArticleWriter:
    def __init__(self, *, status: str | None = None, overwrite: bool = False):
        self.status = status
        self.overwrite = overwrite
        self.now = timezone.now()
        self.site_id = settings.SITE_ID
        self._topics: dict[str, Topic] = {}
        self._tags: dict[str, Tag] = {}
        self._users: dict[str, object] = {}
        self._known = {
            key: (pk, import_hash)
            for key, pk, import_hash in Article.objects.exclude(import_key=None).values_list(
                "import_key", "pk", "import_hash"
            )
        }
        titles = Article.objects.values_list("title", "slug")
        self._titles = _TitleIndex({title_key(title): slug for title, slug in titles})
        self._slugs_this_run: set[str] = set()
        # Slug checks against memory, not one query per article; the unique index stays the backstop.
        self._slugs: set[str] = set(Article.objects.values_list("slug", flat=True))
        # Bodies that still carry " ." link residue, re-resolved once every title is known.
        self._residue_bodies: dict[int, str] = {}
        self._written: list[int] = []
        self._local_hosts: set[str] = set()
        self._file_urls: dict[str, str] = {}

    # -- public -----------------------------------------------------------------

    def write(self, record: ArticleRecord) -> WriteResult:
        if self.status:
            record.status = self.status
        fingerprint = record.fingerprint()
        known = self._known.get(record.import_key)
        if known and known[1] == fingerprint and not self.overwrite:
            return WriteResult(Outcome.UNCHANGED)
        article = Article.objects.select_related("topic").get(pk=known[0]) if known else Article()
        if known:
            edited = self._locally_modified(article)
            if edited and not self.overwrite:
                return WriteResult(Outcome.LOCALLY_MODIFIED)
            if not edited and known[1] == fingerprint:
                return WriteResult(Outcome.UNCHANGED)  # --overwrite, but nothing to put back
        notes: list[str] = []
        previous_slug = article.slug
        try:
            with transaction.atomic():
                self._apply(record, article, notes)
                article.import_key = record.import_key
                article.import_hash = fingerprint
                self._save(article, record, notes)
        except Exception:
            # Topics and tags created in the rolled-back savepoint no longer exist.
            self._topics.clear()
            self._tags.clear()
            raise
        self._slugs.discard(previous_slug)
        self._remember(record, article, fingerprint)
        return WriteResult(Outcome.UPDATED if known else Outcome.CREATED, notes)

    def finish(self) -> int:
        """Resolve links that needed the whole run; returns how many articles changed."""
        changed = 0
        addresses = ImportedAddresses(self._redirect_map(), self._local_hosts, self._file_urls)
        residue = self._residue_bodies
        for start in range(0, len(self._written), 500):
            chunk = self._written[start : start + 500]
            query = Q(pk__in=[pk for pk in chunk if pk in residue])
            if addresses:  # only bodies with a Markdown link can point at another imported item
                query |= Q(pk__in=chunk, body__contains="](")
            for article in Article.objects.filter(query).select_related("topic"):
                body = article.body
                if article.pk in residue:
                    body = resolve_link_residue(residue[article.pk], self._titles.get_url)
                body = rewrite_links(body, addresses.resolver(_source_path(article.import_key)))
                if body != article.body:
                    with transaction.atomic():
                        article.body = body
                        article.import_state = article_state(article, self._tag_names(article))
                        article.save(touch=False)
                    changed += 1
        return changed

    # -- steps ------------------------------------------------------------------

    def _locally_modified(self, article: Article) -> bool:
        return article.import_state != article_state(article, self._tag_names(article))

    def _apply(self, record: ArticleRecord, article: Article, notes: list[str]) -> None:
        article.title = record.title  # clean() collapses its whitespace
        article.body = record.body
        article.summary = record.summary
        article.meta_description = record.meta_description
        article.canonical_url = record.canonical_url
        article.status = record.status or Article.Status.PUBLISHED
        # A source without dates keeps the publication time of the first import.
        article.published_at = record.published_at or article.published_at
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            article.published_at = self.now
        article.slug = self._slug_for(record, article, notes)
        article.topic = self._topic(record.topic, record.location) if record.topic else None
        article.author = self._user(record.author, notes) if record.author else None
        if record.link_residue:
            article.body = resolve_link_residue(record.body, self._titles.get_url)
        try:
            # Related rows were looked up above; uniqueness is kept by _slug_for and the import key.
            article.full_clean(exclude=["import_key", "topic", "author"], validate_unique=False)
        except ValidationError as exc:
            raise SourceError(record.location, _describe(exc)) from None

    def _slug_for(self, record: ArticleRecord, article: Article, notes: list[str]) -> str:
        # A slug the source chose keeps its letters (café-menu stays café-menu): it is an existing address.
        wanted = slugify(record.slug, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-") if record.slug else ""
        if record.slug and not wanted:
            notes.append(f"slug {record.slug!r} has no usable characters; made one from the title")
        if not wanted and article.slug:
            return article.slug  # an imported article keeps its address when the source names none
        base = wanted or make_slug(article.title, SLUG_MAX_LENGTH) or "article"
        taken = self._slugs - {article.slug}
        if base not in taken:
            return base
        slug = free_slug(base, taken, SLUG_MAX_LENGTH)
        where = "earlier in this import" if base in self._slugs_this_run else "by another article"
        notes.append(f"slug {base!r} is already used {where}; used {slug!r}")
        return slug

    def _save(self, article: Article, record: ArticleRecord, notes: list[str]) -> None:
        tags = self._tags_for(record.tags, record.location)
        article.import_state = article_state(article, [tag.name for tag in tags])
        if record.updated_at:
            article.updated_at = record.updated_at
        created = article.pk is None
        article.save(touch=record.updated_at is None)
        if created:  # one INSERT instead of set()'s lookup of existing rows
            Article.tags.through.objects.bulk_create(Article.tags.through(article=article, tag=tag) for tag in tags)
        else:
            article.tags.set(tags)
        if article.status == Article.Status.DRAFT and record.redirect_from:
            # A redirect would tell anyone the draft's address (and so its title).
            notes.append(f"a draft: its {len(record.redirect_from)} old address(es) are not redirected")
            return
        for old in record.redirect_from:
            self._redirect(old, article, notes)

    def _remember(self, record: ArticleRecord, article: Article, fingerprint: str) -> None:
        self._known[record.import_key] = (article.pk, fingerprint)
        self._titles[title_key(article.title)] = article.slug
        self._slugs_this_run.add(article.slug)
        self._slugs.add(article.slug)
        self._written.append(article.pk)
        if record.link_residue:
            self._residue_bodies[article.pk] = record.body
        self._file_urls[_source_path(record.import_key)] = article.get_absolute_url()
        if record.source_url:
            parts = urlsplit(record.source_url)
            if parts.netloc:
                self._local_hosts.add(parts.netloc.lower())

    # -- related rows -----------------------------------------------------------

    def _topic(self, name: str, location: str) -> Topic:
        return self._term(Topic, self._topics, name, location)

    def _tags_for(self, names: list[str], location: str) -> list[Tag]:
        return [self._term(Tag, self._tags, name, location) for name in names]

    def _term(self, model, cache: dict, name: str, location: str):
        """The topic or tag of that name, whatever its case; created when new."""
        name = " ".join(name.split())
        limit = model._meta.get_field("name").max_length
        if len(name) > limit:
            kind = model._meta.verbose_name
            raise SourceError(location, f"{kind} {name[:40]!r}… is {len(name)} characters; the limit is {limit}")
        key = name.casefold()
        if key not in cache:
            cache[key] = model.objects.filter(name__iexact=name).first() or model.objects.create(name=name)
        return cache[key]

    def _tag_names(self, article: Article) -> list[str]:
        return list(article.tags.values_list("name", flat=True))

    def _user(self, username: str, notes: list[str]):
        if username not in self._users:
            self._users[username] = get_user_model().objects.filter(username=username).first()
            if self._users[username] is None:
                notes.append(f"author {username!r} is not a user here; left the author empty")
        return self._users[username]

    def _redirect(self, old: str, article: Article, notes: list[str]) -> None:
        old_path = site_path(old)
        new_path = article.get_absolute_url()
        if not old_path or old_path == new_path:
            return
        if len(old_path) > 200:
            notes.append(f"old address {old_path[:60]!r}… is longer than 200 characters; no redirect made")
            return
        Redirect.objects.update_or_create(site_id=self.site_id, old_path=old_path, defaults={"new_path": new_path})

    def _redirect_map(self) -> dict[str, str]:
        return dict(Redirect.objects.filter(site_id=self.site_id).values_list("old_path", "new_path"))


class _TitleIndex(dict):
    def get_url(self, key: str) -> str | None:
        slug = self.get(key)
        return reverse("articles:detail", kwargs={"slug": slug}) if slug else None


def _source_path(import_key: str) -> str:
    """The file path inside an import key such as "markdown:posts/a.md"."""
    return import_key.split(":", 1)[-1]


def _describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
