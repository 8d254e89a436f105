import hashlib
import json
import unicodedata
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from images.references import references_in

from .addresses import address
from .markdown import render_markdown
from .text import (
    WEB_SCHEMES,
    clean_body,
    first_paragraph_text,
    has_visible_text,
    make_slug,
    normalise_newlines,
    strip_control_chars,
)

TITLE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 200
# Years a publication or update date may have: anything outside is a typo or a
# placeholder (9999-12-31), and years near the ends overflow when converted to UTC.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def validate_sane_date(value) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            f"The year {value.year} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; enter the real date.",
            code="date_out_of_range",
        )


def validate_body_size(value: str) -> None:
    """One size limit for every way a body arrives (admin, preview, import); see ARTICLE_BODY_MAX_BYTES."""
    # Measured as stored: a browser's CRLF line endings count once.
    size, limit = len(normalise_newlines(value).encode()), settings.ARTICLE_BODY_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"The body is {size:,} bytes; the limit is {limit:,}. Split it into several articles.",
            code="body_too_large",
        )


def duplicate_key(text: str) -> str:
    """What makes two titles or descriptions the same to the SEO checklist (case and spacing aside), hashed
    to a short indexed column: the checklist counts a page's duplicates without reading every article."""
    key = " ".join(text.casefold().split())
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest() if key else ""


def clean_slug(text: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """The one form a typed or imported slug is stored in: lower case, letters kept, no stray - or _ at the ends.

    Slugs are compared as stored, so "UPPERCASE-Slug" and "uppercase-slug" cannot be two
    articles, and an exported slug reads back unchanged.
    """
    return slugify(text, allow_unicode=True)[:max_length].strip("-_")


def term_key(name: str) -> str:
    """What makes two topic or tag names the same: case, accents' encoding and spacing aside."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class TermQuerySet(models.QuerySet):
    def public(self, now=None):
        """Terms used by at least one public article: no other term may be named to the public."""
        used = Article.objects.published(now).filter(**{self.model.article_lookup: models.OuterRef("pk")})
        return self.filter(models.Exists(used))


class Term(models.Model):
    """A name articles are grouped by, with its own public page."""

    name = models.CharField(max_length=100, unique=True)
    # "Therapy", "THÉRAPY" and "thérapy" are one term, on every database (SQLite's LOWER() is ASCII-only):
    # the comparison key is made here, in Python, and the admin and the importer both look terms up by it.
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    slug = models.SlugField(
        max_length=100, unique=True, allow_unicode=True, blank=True, help_text="Leave blank to make it from the name."
    )

    url_name: str  # the public list of its articles
    article_lookup: str  # how Article refers to it in a filter

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address(self.url_name, self.slug)

    def clean(self):
        self.normalise()
        model = type(self)
        same = model.objects.filter(name_key=self.name_key).exclude(pk=self.pk).first()
        if same:
            kind = model._meta.verbose_name
            raise ValidationError(
                {"name": f"The {kind} “{same.name}” already exists (names are compared regardless of case)."}
            )

    def normalise(self):
        self.name = " ".join(self.name.split())
        self.name_key = term_key(self.name)
        model = type(self)
        self.slug = clean_slug(self.slug, 100) or unique_slug(
            model, self.name, 100, exclude_pk=self.pk, fallback=model._meta.model_name
        )


class Topic(Term):
    """What an article is about ("About X" on a scraped page, a WordPress category)."""

    url_name = "articles:topic"
    article_lookup = "topic"

    class Meta(Term.Meta):
        pass


class Tag(Term):
    url_name = "articles:tag"
    article_lookup = "tags"

    class Meta(Term.Meta):
        pass


def unique_slug(model, text: str, max_length: int, *, exclude_pk=None, fallback: str = "article") -> str:
    """A slug from `text` not yet used by `model`, adding -2, -3, ... when taken."""
    base = make_slug(text, max_length) or fallback
    return free_slug_in_db(model, base, max_length, exclude_pk=exclude_pk)


def free_slug_in_db(model, base: str, max_length: int, *, exclude_pk=None) -> str:
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    return free_slug(base, taken, max_length)


def free_slug(base: str, taken: set[str], max_length: int) -> str:
    """`base`, or `base-2`, `base-3`, ... (cut to fit `max_length`), whichever is not in `taken`."""
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The single definition of what the public may see."""
        return self.not_trashed().filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        return self.not_trashed().filter(status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def drafts(self):
        return self.not_trashed().filter(status=Article.Status.DRAFT)

    def ready_for_review(self):
        return self.not_trashed().filter(status=Article.Status.REVIEW)

    def not_trashed(self):
        return self.filter(trashed_at=None)

    def trashed(self):
        return self.exclude(trashed_at=None)

    def gone(self, now=None):
        """In the trash, and public when it was put there: its address answers 410 Gone, not 404."""
        return self.trashed().filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def of_term(self, term: "Topic | Tag", *, from_the_top: bool = True):
        """The articles of one topic or tag (its public page and feed). With `from_the_top` (a first page, a feed), a
        tag's as a test of each row the list's index gives, in its order, on SQLite: joined, SQLite starts from the
        tag's rows and reads every one of its articles (bodies and all: status and dates come after the body) to sort
        them, 8 ms for a tag of 830 articles against 1.5 ms; "+" keeps it from turning the test back into that join.
        Without (its count, a deep page's ids), the join: the test walks the whole index there (23 ms against 6)."""
        if not (from_the_top and isinstance(term, Tag) and connections[self.db].vendor == "sqlite"):
            return self.filter(**{term.article_lookup: term})
        through = Article.tags.through._meta.db_table
        tagged = f'+"{self.model._meta.db_table}"."id" IN (SELECT "article_id" FROM "{through}" WHERE "tag_id" = %s)'
        return self.filter(RawSQL(tagged, [term.pk], output_field=models.BooleanField()))

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        """The years that have articles, for the admin's date drill-down, by one indexed MIN() a year present:
        Django's DISTINCT over a time-zone conversion of every row takes half a second at 100,000 articles."""
        if kind != "year" or field_name != "published_at":
            return super().datetimes(field_name, kind, order, tzinfo)
        zone, years, rows = tzinfo or timezone.get_current_timezone(), [], self
        while (first := rows.aggregate(first=models.Min("published_at"))["first"]) is not None:
            year = first.astimezone(zone).year
            years.append(datetime(year, 1, 1, tzinfo=zone))
            if year == datetime.max.year:
                break
            rows = self.filter(published_at__gte=datetime(year + 1, 1, 1, tzinfo=zone))
        return years[::-1] if order == "DESC" else years

    def aggregate(self, *args, **kwargs):
        """A MIN and a MAX (the admin's date drill-down asks for both) as two queries: each alone is read from the
        end of an index; together both databases read every row (60 ms on SQLite, more without a covering index)."""
        if args or len(kwargs) < 2 or not all(isinstance(a, models.Min | models.Max) for a in kwargs.values()):
            return super().aggregate(*args, **kwargs)
        return {name: super(ArticleQuerySet, self).aggregate(**{name: a})[name] for name, a in kwargs.items()}

    def update(self, **kwargs):
        """A bulk update of what search reads (admin actions, render_articles) re-indexes those articles."""
        from . import page_invalidation, search

        ids = list(self.values_list("pk", flat=True)) if SEARCHED_FIELDS & kwargs.keys() else []
        before = list(self.values_list("slug", "status"))  # what the page cache must forget
        rows = super().update(**kwargs)
        search.index_articles(ids)
        page_invalidation.articles_updated(before, kwargs)
        return rows


NOT_TRASHED = models.Q(trashed_at=None)

# Article fields the search index is made from (with topic and tag names): see articles/search.py.
SEARCHED_FIELDS = {"title", "excerpt", "body_html", "topic", "topic_id"}


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        # What an Editor sets instead of publishing; Publishers filter the list by it.
        REVIEW = "review", "Ready for review"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="The last part of the article's address. Leave blank to make it from the title.",
    )
    summary = models.TextField(
        blank=True,
        help_text="One or two plain sentences shown in lists and to search engines. "
        "Leave blank to use the start of the first paragraph.",
    )
    body = MarkdownxField(
        validators=[validate_body_size], help_text="Markdown. The preview shows exactly what readers will see."
    )
    body_html = models.TextField(editable=False, default="")
    excerpt = models.TextField(editable=False, default="", help_text="The summary, or one derived from the body.")
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Drafts are never shown to the public.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        validators=[validate_sane_date],
        help_text="When the article becomes public. A future time schedules it; "
        "blank means now, when the status is Published.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, validators=[validate_sane_date])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    featured_image = models.ForeignKey(
        "images.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # an image an article features cannot be deleted
        related_name="featured_in",
        help_text="Shown at the top of the article and in lists, and in link previews. "
        "Without one, previews use the first image of the body.",
    )
    meta_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="For search engines only. Leave blank to use the summary.",
    )
    canonical_url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=sorted(WEB_SCHEMES))],
        blank=True,
        help_text="Only if this article's original lives at another address.",
    )

    # Import bookkeeping (see articles/importers/writer.py). The key names the source
    # unambiguously (see importers/runner.py); the source is what an editor recognises.
    import_key = models.CharField(max_length=500, unique=True, null=True, blank=True, editable=False)
    import_source = models.CharField("imported from", max_length=500, blank=True, editable=False)
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    import_state = models.CharField(max_length=64, blank=True, editable=False)

    # duplicate_key() of the title and of the editor's description (meta description, else summary).
    title_key = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
    description_key = models.CharField(max_length=32, blank=True, editable=False, db_index=True)

    # Deleting in the admin moves an article here (articles/trash.py); empty_trash deletes for good.
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Part of every share link (articles/share.py): a new key revokes every link given out.
    share_key = models.CharField(max_length=32, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        # Partial indexes of the articles not in the trash, which every list shows: with trashed_at IS NULL as the
        # index's condition, PostgreSQL reads rows in the index's order (it keeps an index's order after equality
        # columns only, and IS NULL is not one) instead of reading them all and sorting. trashed_at comes last
        # too, for SQLite: it counts an index as covering only if it holds every column the query names.
        indexes = [
            # Article.objects.published().newest_first(): the filter, the order and the count from the index alone;
            # the sitemap's slugs and dates too (updated_at comes after the body in the row: reading it from the
            # table read each article's body, 11 ms a file of 1,000 addresses on SQLite against 1.3 ms).
            models.Index(
                fields=["status", "-published_at", "-id", "trashed_at", "slug", "updated_at"],
                condition=NOT_TRASHED,
                name="article_listed_idx",
            ),
            # A topic's page: its public articles in order, and their count, without sorting the topic's rows.
            models.Index(
                fields=["topic", "status", "-published_at", "-id", "trashed_at"],
                condition=NOT_TRASHED,
                name="article_topic_listed_idx",
            ),
            # The admin's change list (every article not in the trash, newest first), searched or not.
            models.Index(
                fields=["-published_at", "-id", "trashed_at"], condition=NOT_TRASHED, name="article_admin_list_idx"
            ),
            # The trash (emptied by age): partial too, so that no plan takes it for the articles not in the trash
            # (without ANALYZE's statistics, SQLite did, then sorted 95,000 rows).
            models.Index(fields=["trashed_at"], condition=~NOT_TRASHED, name="article_trashed_idx"),
        ]
        permissions = [("publish_article", "Can publish, schedule, unpublish and delete articles")]

    def __str__(self):
        return self.title

    def save(self, *args, touch=True, **kwargs):
        """Save; `touch` moves updated_at (readers' "Updated" date) when what they read has changed."""
        self.normalise()
        self.fill_defaults()
        self.render()
        if touch and self._reader_text() != getattr(self, "_loaded_text", None):
            self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)
        self._loaded_text = self._reader_text()

    def get_absolute_url(self):
        return address("articles:detail", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        article._loaded_text = article._reader_text()
        # The address it had when loaded, and whether it was public there: a new slug redirects (articles/workflow.py).
        loaded = article.__dict__  # never a deferred field: reading one would load it, and come back here
        published_at = loaded.get("published_at")
        public = loaded.get("status") == cls.Status.PUBLISHED and published_at and published_at <= timezone.now()
        article._loaded_slug = loaded.get("slug", "")
        article._loaded_public = bool(public and "trashed_at" in loaded and not loaded["trashed_at"])
        return article

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.trashed_at is None
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def description(self) -> str:
        """Meta description: the editor's, else the summary (typed or derived)."""
        return self.meta_description or self.excerpt

    @property
    def state(self) -> str:
        """Draft, Ready for review, Scheduled or Published, as editors think of it."""
        if self.trashed_at is not None:
            return "In the trash"
        if self.status == self.Status.PUBLISHED and not self.is_public:
            return "Scheduled"
        return self.get_status_display()

    def clean(self):
        # Only what normalising emptied is reported here; an empty field has its own "required" error.
        given = {name for name in ("title", "body") if getattr(self, name)}
        self.normalise()
        emptied = {
            name: f"An article needs a {name}: this one is only spaces or invisible characters."
            for name in given
            if not has_visible_text(getattr(self, name))
        }
        if emptied:
            raise ValidationError(emptied)
        if unknown := self.unknown_images():
            raise ValidationError(
                {
                    "body": f"No image {', '.join(unknown)} in the media library: upload the picture again "
                    "(drag it into the editor) or remove the reference."
                }
            )
        self.fill_defaults()  # before unique checks, so a blank slug is filled, not refused

    def unknown_images(self) -> list[str]:
        """References in the body to library images that do not exist (typed by hand, or deleted)."""
        refs = {ref.key: str(ref) for ref in references_in(self.body)}
        if not refs:
            return []
        library = self._meta.get_field("featured_image").related_model
        known = set(library.objects.filter(key__in=refs).values_list("key", flat=True))
        return [text for key, text in refs.items() if key not in known]

    # Fields save() may change besides the ones asked for.
    DERIVED_FIELDS = ("title", "slug", "body", "summary", "meta_description", "published_at", "body_html", "excerpt",
                      "updated_at", "title_key", "description_key")  # fmt: skip

    def _reader_text(self) -> tuple:
        return tuple(self.__dict__.get(name) for name in ("title", "body", "summary"))

    def normalise(self):
        """Store every path's input the same way: the admin posts CRLF text and whole-second
        times, files and exports give LF and microseconds. Equal content, equal fields."""
        self.title = " ".join(strip_control_chars(self.title).split())
        self.body = clean_body(self.body or "")
        self.summary = normalise_newlines(self.summary).strip()
        self.meta_description = " ".join(self.meta_description.split())
        self.canonical_url = self.canonical_url.strip()
        self.slug = clean_slug(self.slug or "")
        if self.published_at is not None:
            self.published_at = self.published_at.replace(microsecond=0)
        self.fill_duplicate_keys()

    def fill_duplicate_keys(self):
        self.title_key = duplicate_key(self.title)
        self.description_key = duplicate_key(self.meta_description or self.summary)

    def fill_defaults(self):
        """A slug from the title, and publication now for a published article without a date."""
        if not self.slug:
            self.slug = free_slug_in_db(Article, self.preferred_slug(), SLUG_MAX_LENGTH, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now().replace(microsecond=0)

    def preferred_slug(self, wanted: str = "") -> str:
        """The slug to aim for before uniqueness: the one asked for, else one from the title."""
        return clean_slug(wanted) or make_slug(self.title, SLUG_MAX_LENGTH) or "article"

    def publish(self, now=None) -> bool:
        """Make the article public now, or at the future time an editor set (which schedules it).

        A past date (a draft's old plan, an imported leftover) becomes now: published today means
        dated today. Returns whether a future time was kept.
        """
        now = (now or timezone.now()).replace(microsecond=0)
        self.status = self.Status.PUBLISHED
        if self.published_at is not None and self.published_at > now:
            return True
        self.published_at = now
        return False

    # -- import bookkeeping

    def content_fingerprint(self, tag_ids=None) -> str:
        """Hash of everything an editor can change. Stored at import (import_state); when it
        differs later, the article was edited since and a re-import leaves it alone."""
        if tag_ids is None:
            tag_ids = self.tags.values_list("pk", flat=True) if self.pk else []
        self.normalise()  # so an unsaved form's CRLF text hashes as it will be stored
        data = [
            self.title,
            self.slug,
            self.summary,
            self.body,
            self.status,
            self.published_at.astimezone(UTC).isoformat() if self.published_at else "",
            self.topic_id,  # ids, not names: renaming a topic or tag is not an edit of its articles
            sorted(tag_ids),
            self.meta_description,
            self.canonical_url,
            self.author_id,
        ]
        if self.featured_image_id:  # appended only when set, so fingerprints stored before it still match
            data.append(["featured_image", self.featured_image_id])
        return hashlib.sha256(json.dumps(data, default=str, ensure_ascii=False).encode()).hexdigest()

    @property
    def edited_since_import(self) -> bool:
        return bool(self.import_state) and self.import_state != self.content_fingerprint()

    def render(self):
        """Derive the stored HTML and excerpt from the editable fields."""
        self.body_html = render_markdown(self.body)
        self.excerpt = " ".join(self.summary.split()) or first_paragraph_text(self.body_html)


class SearchEntry(models.Model):
    """The text search reads for one article, kept in step by articles/search.py (plain text, no Markdown)."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="search_entry", editable=False
    )
    title = models.TextField()
    summary = models.TextField()
    tags = models.TextField(help_text="The topic and tag names.")
    body = models.TextField()
    vector = SearchVectorField(null=True)  # PostgreSQL only; SQLite searches its FTS5 table instead

    def __str__(self):
        return self.title


class DeletedImport(models.Model):
    """An imported article that was deleted here. Imports skip its source from then on (and say so),
    so a deletion is not undone by the next run; `import_articles --restore-deleted` brings it back."""

    import_key = models.CharField(max_length=500, unique=True)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    deleted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.title


@receiver(post_delete, sender=Article)
def remember_deleted_import(sender, instance: Article, **kwargs):
    # A signal, not Article.delete(): the admin's bulk delete and QuerySet.delete() skip that method.
    if instance.import_key:
        DeletedImport.objects.update_or_create(
            import_key=instance.import_key, defaults={"title": instance.title, "deleted_at": timezone.now()}
        )


class Revision(models.Model):
    """One version of an article: who saved it, when, how, and everything an editor can change.

    Written only by articles.revisions.record_revision, whatever the path (admin, restore, list action, import).
    """

    class Source(models.TextChoices):
        ADMIN = "admin", "Saved in the admin"
        RESTORE = "restore", "Restored from an earlier revision"
        ACTION = "action", "Changed by a list action"
        IMPORT = "import", "Imported"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    restored_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-pk"]  # pk, not created_at: two saves in one second stay in order
        indexes = [models.Index(fields=["article", "-id"], name="revision_article_idx")]

    def __str__(self):
        return f"Revision {self.pk} of “{self.content.get('title', '')}”"


class TrashedArticle(Article):
    """The trash, as its own list in the admin (articles/trash.py); only Publishers see it."""

    class Meta:
        proxy = True
        verbose_name = "article in the trash"
        verbose_name_plural = "trash"


# Deleting through the proxy (the Trash admin) sends signals with the proxy as sender.
post_delete.connect(remember_deleted_import, sender=TrashedArticle)
