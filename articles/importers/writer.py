"""The one write path for every import format.

Each record is validated by the same rules as the admin (Article.full_clean) and
written in its own savepoint, reads included: the article, its topic, tags and
redirects land together or not at all, and a failure never poisons the batch.
"""

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.urls import reverse

from .. import workflow
from ..models import SLUG_MAX_LENGTH, Article, DeletedImport, Revision, Tag, Topic, clean_slug, free_slug, term_key
from .links import ImportedAddresses, resolve_link_residue, rewrite_links, site_path, title_key
from .records import ArticleRecord, SourceError


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    LOCALLY_MODIFIED = "locally modified"
    DELETED_HERE = "deleted here"


@dataclass
class WriteResult:
    outcome: Outcome
    notes: list[str] = field(default_factory=list)


@dataclass
class _Known:
    """What the database holds for an import key, loaded once per run."""

    pk: int
    fingerprint: str


class ArticleWriter:
    def __init__(
        self, *, status: str | None = None, overwrite: bool = False, restore_deleted: bool = False, media=None
    ):
        self.status = status
        # images.importing.MediaFolder (--media-root): bodies' images go into the media library.
        self.media = media
        self.overwrite = overwrite
        self.restore_deleted = restore_deleted
        # Sources of articles deleted here: skipped, so a deletion is not undone by the next run.
        self._deleted = set(DeletedImport.objects.values_list("import_key", flat=True))
        self._deleted |= set(Article.objects.trashed().exclude(import_key=None).values_list("import_key", flat=True))
        self.site_id = settings.SITE_ID
        # Failures of the final link pass, for the report.
        self.failures: list[SourceError] = []
        self._topics: dict[str, Topic] = {}
        self._tags: dict[str, Tag] = {}
        self._users: dict[str, object] = {}
        self._known = {
            key: _Known(pk, import_hash)
            for key, pk, import_hash in Article.objects.exclude(import_key=None).values_list(
                "import_key", "pk", "import_hash"
            )
        }
        # Links are only ever made to public articles: a link to a draft would show its address.
        titles = Article.objects.published().values_list("title", "slug")
        self._titles = _TitleIndex({title_key(title): slug for title, slug in titles})
        self._slugs_this_run: set[str] = set()
        self._keys_this_run: dict[str, str] = {}
        # Slug checks against memory, not one query per article; the unique index stays the backstop.
        self._slugs: set[str] = set(Article.objects.values_list("slug", flat=True))
        # Bodies that still carry " ." link residue, re-resolved once every title is known.
        self._residue_bodies: dict[int, str] = {}
        self._written: list[int] = []
        self._locations: dict[int, str] = {}
        self._source_paths: dict[int, str] = {}
        self._local_hosts: set[str] = set()
        self._file_urls: dict[str, str] = {}

    # -- public -----------------------------------------------------------------

    def write(self, record: ArticleRecord) -> WriteResult:
        if self.status:
            self._force_status(record)
        earlier = self._keys_this_run.setdefault(record.import_key, record.location)
        if earlier != record.location:
            raise SourceError(
                record.location,
                f"is the same item as {earlier} (import key {record.import_key!r}); that one was imported. "
                "With --source, give each folder its own name",
            )
        deleted = {record.import_key, record.legacy_key} & self._deleted
        if deleted and not self.restore_deleted:
            return WriteResult(Outcome.DELETED_HERE)
        fingerprint = record.fingerprint()
        if self.media is not None:  # the same source with its images brought home (from this folder) is another result
            fingerprint = hashlib.sha256(f"{fingerprint}:media:{self.media.root}".encode()).hexdigest()
        stored_key = self._stored_key(record)
        known = self._known.get(stored_key)
        same_key = stored_key == record.import_key
        if known and same_key and not self.overwrite and not deleted:
            if known.fingerprint == fingerprint:
                return WriteResult(Outcome.UNCHANGED)
            if known.fingerprint == _images_missing(fingerprint):
                return WriteResult(
                    Outcome.UNCHANGED,
                    [
                        "some of its images were missing last time: "
                        "add them to the folder and run again with --overwrite"
                    ],
                )
        try:
            with transaction.atomic():
                result = self._write(record, known, fingerprint)
        except ValidationError as exc:
            self._forget_cached_rows()
            raise SourceError(record.location, _describe(exc)) from None
        except Exception:
            self._forget_cached_rows()
            raise
        if stored_key != record.import_key:
            self._known.pop(stored_key, None)
        return result

    def finish(self) -> int:
        """Resolve links that needed the whole run; returns how many articles changed.

        A failure here is one article's: it is recorded in `failures` and the others go on.
        """
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
                body = rewrite_links(body, addresses.resolver(self._source_paths.get(article.pk, "")))
                if body != article.body and self._relink(article, body):
                    changed += 1
        return changed

    # -- steps ------------------------------------------------------------------

    def _force_status(self, record: ArticleRecord) -> None:
        """--status, except that nothing readers could not see at the source is made public by it."""
        if self.status == Article.Status.PUBLISHED and record.draft_reason:
            record.notes.append(f"kept as a draft despite --status published: it {record.draft_reason}")
            return
        record.status = self.status

    def _stored_key(self, record: ArticleRecord) -> str:
        """The key the article is stored under: its own, or the one an older importer gave it."""
        if record.import_key not in self._known and record.legacy_key in self._known:
            return record.legacy_key
        return record.import_key

    def _write(self, record: ArticleRecord, known: _Known | None, fingerprint: str) -> WriteResult:
        article = Article.objects.select_related("topic").filter(pk=known.pk).first() if known else None
        untrashed = article is not None and article.trashed_at is not None
        if untrashed:  # --restore-deleted (without it, write() skipped the record): out of the trash
            Article.objects.filter(pk=article.pk).update(trashed_at=None, trashed_by=None)
            article.trashed_at = article.trashed_by = None
        if article is None:
            known, article = None, Article()
        elif article.edited_since_import:
            if not self.overwrite:
                self._rekey(article, record)
                return WriteResult(Outcome.LOCALLY_MODIFIED, ["was in the trash here; restored"] if untrashed else [])
        elif known.fingerprint == fingerprint and article.import_key == record.import_key and not untrashed:
            return WriteResult(Outcome.UNCHANGED)  # --overwrite, but nothing to put back
        notes: list[str] = []
        if {record.import_key, record.legacy_key} & self._deleted:  # --restore-deleted
            DeletedImport.objects.filter(import_key__in=[record.import_key, record.legacy_key]).delete()
            notes.append("had been deleted here; imported again (--restore-deleted)")
        previous_slug = article.slug
        was_hidden = known is not None and not article.is_public
        if not self._apply(record, article, notes):
            # Images were left behind (missing, or a wrong --media-root): the next run with the right
            # folder must not find this source "unchanged", or they would stay on the old site for good.
            fingerprint = _images_missing(fingerprint)
        self._save(article, record, fingerprint, notes)
        if was_hidden and article.is_public:  # e.g. unpublished here, then put back by --overwrite
            notes.append("was not public here; the source's version is public now")
        self._slugs.discard(previous_slug)
        self._remember(record, article, fingerprint)
        return WriteResult(Outcome.UPDATED if known else Outcome.CREATED, notes)

    def _rekey(self, article: Article, record: ArticleRecord) -> None:
        """An article kept as edited still moves to its current key, so the next run finds it."""
        if article.import_key != record.import_key:
            Article.objects.filter(pk=article.pk).update(import_key=record.import_key)
            self._known[record.import_key] = self._known[article.import_key]

    def _apply(self, record: ArticleRecord, article: Article, notes: list[str]) -> bool:
        """Fill `article` from `record`; False when --media-root could not bring every image home."""
        article.title = record.title
        article.body = record.body
        article.summary = record.summary
        article.meta_description = record.meta_description
        article.canonical_url = record.canonical_url
        article.status = record.status or Article.Status.PUBLISHED
        # A source without dates keeps the publication time of the first import.
        article.published_at = record.published_at or article.published_at
        if record.updated_at:
            article.updated_at = record.updated_at
        article.slug = self._slug_for(record, article, notes)
        article.topic = self._term(Topic, self._topics, record.topic, record.location) if record.topic else None
        article.author = self._user(record.author, notes) if record.author else None
        article.import_key = record.import_key
        article.import_source = record.source_name[: Article._meta.get_field("import_source").max_length]
        if record.link_residue:
            article.body = resolve_link_residue(record.body, self._titles.get_url)
        notes_before = len(notes)
        if self.media is not None:
            article.body = self.media.bring_home(article.body, source_path=record.source_path, notes=notes)
        article.featured_image = self._featured_image(record, notes)
        images_complete = self.media is None or len(notes) == notes_before  # only image problems are noted here
        # The admin's rules (clean() fills a published article's date and normalises the text).
        # Related rows were looked up above; uniqueness is kept by _slug_for and the import key.
        article.full_clean(exclude=["import_key", "topic", "author"], validate_unique=False)
        return images_complete

    def _featured_image(self, record: ArticleRecord, notes: list[str]):
        if not record.featured_image:
            return None
        if self.media is None:
            notes.append(f"featured image {record.featured_image!r} not imported: give --media-root to bring it in")
            return None
        return self.media.image_for(
            record.featured_image,
            source_path=record.source_path,
            alt_text=record.featured_image_alt,
            caption=record.featured_image_caption,
            notes=notes,
        )

    def _slug_for(self, record: ArticleRecord, article: Article, notes: list[str]) -> str:
        """The model's slug rule, checked against this run's memory of taken slugs."""
        wanted = clean_slug(record.slug)
        if record.slug and not wanted:
            notes.append(f"slug {record.slug!r} has no usable characters; made one from the title")
        if not wanted and article.slug:
            return article.slug  # an imported article keeps its address when the source names none
        base = article.preferred_slug(wanted)
        taken = self._slugs - {article.slug}
        if base not in taken:
            return base
        slug = free_slug(base, taken, SLUG_MAX_LENGTH)
        where = "earlier in this import" if base in self._slugs_this_run else "by another article"
        notes.append(f"slug {base!r} is already used {where}; used {slug!r}")
        return slug

    def _save(self, article: Article, record: ArticleRecord, fingerprint: str, notes: list[str]) -> None:
        # "Python" and "python " are one tag here, as in the admin.
        tags = list(
            {
                tag.pk: tag for tag in (self._term(Tag, self._tags, name, record.location) for name in record.tags)
            }.values()
        )
        article.import_hash = fingerprint
        article.import_state = article.content_fingerprint([tag.pk for tag in tags])
        created = article.pk is None
        article.save(touch=record.updated_at is None)
        if created:  # one INSERT instead of set()'s lookup of existing rows
            Article.tags.through.objects.bulk_create(Article.tags.through(article=article, tag=tag) for tag in tags)
        else:
            article.tags.set(tags)
        # Stored whatever the status: the redirect middleware follows one only while its article is public.
        for old in record.redirect_from:
            self._redirect(old, article, notes)
        # As in the admin: a revision, and a redirect from the old address of a public article whose slug changed.
        workflow.after_save(article, source=Revision.Source.IMPORT, created=created, tags=tags)

    def _remember(self, record: ArticleRecord, article: Article, fingerprint: str) -> None:
        self._known[record.import_key] = _Known(article.pk, fingerprint)
        if article.is_public:
            self._titles[title_key(article.title)] = article.slug
        self._slugs_this_run.add(article.slug)
        self._slugs.add(article.slug)
        self._written.append(article.pk)
        self._locations[article.pk] = record.location
        if record.link_residue:
            self._residue_bodies[article.pk] = record.body
        if record.source_path:
            self._source_paths[article.pk] = record.source_path
            if article.is_public:
                self._file_urls[record.source_path] = article.get_absolute_url()
        if record.source_url:
            parts = urlsplit(record.source_url)
            if parts.netloc:
                self._local_hosts.add(parts.netloc.lower())

    def _relink(self, article: Article, body: str) -> bool:
        """Save one article's resolved links; a failure is reported and leaves it as imported."""
        location = self._locations.get(article.pk, f"article {article.slug!r}")
        try:
            with transaction.atomic():
                article.body = body
                article.full_clean(exclude=["import_key", "topic", "author"], validate_unique=False)
                article.import_state = article.content_fingerprint()
                article.save(touch=False)
                workflow.after_save(article, source=Revision.Source.IMPORT)
        except (ValidationError, DatabaseError) as exc:
            reason = _describe(exc) if isinstance(exc, ValidationError) else f"the database refused it ({exc})"
            self.failures.append(SourceError(location, f"imported, but its links could not be updated: {reason}"))
            return False
        return True

    # -- related rows -----------------------------------------------------------

    def _term(self, model, cache: dict, name: str, location: str):
        """The topic or tag of that name, whatever its case; created, validated as the admin does, when new."""
        name = " ".join(name.split())
        key = term_key(name)
        if key not in cache:
            term = model.objects.filter(name_key=term_key(name)).first()
            if term is None:
                term = model(name=name)
                try:
                    term.full_clean()
                except ValidationError as exc:
                    shown = f"{name[:40]!r}…" if len(name) > 40 else repr(name)
                    raise SourceError(location, f"{model._meta.verbose_name} {shown}: {_describe(exc)}") from None
                term.save()
            cache[key] = term
        return cache[key]

    def _forget_cached_rows(self) -> None:
        # Topics and tags created in a rolled-back savepoint no longer exist.
        self._topics.clear()
        self._tags.clear()

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
        redirect = Redirect.objects.filter(site_id=self.site_id, old_path=old_path).first()
        if redirect is None:
            redirect = Redirect(site_id=self.site_id, old_path=old_path)
        elif redirect.new_path != new_path and redirect.new_path:
            notes.append(f"old address {old_path!r} led to {redirect.new_path!r}; it now leads here")
        redirect.new_path = new_path
        try:
            redirect.full_clean(validate_unique=False)  # the redirect admin's rules (lengths)
        except ValidationError as exc:
            shown = f"{old_path[:60]!r}…" if len(old_path) > 60 else repr(old_path)
            notes.append(f"old address {shown} cannot be redirected ({_describe(exc)})")
            return
        redirect.save()

    def _redirect_map(self) -> dict[str, str]:
        """Old path → where a link to it should point: the article's page if it is public, else
        the old path itself, which the redirect middleware starts following once it is."""
        redirects = list(Redirect.objects.filter(site_id=self.site_id).values_list("old_path", "new_path"))
        if not redirects:
            return {}
        public = {_article_url(slug) for slug in Article.objects.published().values_list("slug", flat=True)}
        hidden = {_article_url(slug) for slug in Article.objects.values_list("slug", flat=True)} - public
        return {old: old if new in hidden else new for old, new in redirects}


def _images_missing(fingerprint: str) -> str:
    """What is stored for a source whose images were not all found, so that --overwrite tries again."""
    return hashlib.sha256(f"{fingerprint}:images-missing".encode()).hexdigest()


def _article_url(slug: str) -> str:
    return reverse("articles:detail", kwargs={"slug": slug})


class _TitleIndex(dict):
    def get_url(self, key: str) -> str | None:
        slug = self.get(key)
        return _article_url(slug) if slug else None


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)
