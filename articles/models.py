from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from .markdown import render_markdown
from .text import first_paragraph_text, make_slug

TITLE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 200


class Term(models.Model):
    """A name articles are grouped by, with its own public page."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)

    url_name: str  # the public list of its articles
    article_lookup: str  # how Article refers to it in a filter

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, 100, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})


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
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
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
    body = MarkdownxField(help_text="Markdown. The preview shows exactly what readers will see.")
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
        help_text="When the article becomes public. A future time schedules it; "
        "blank means now, when the status is Published.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    meta_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="For search engines only. Leave blank to use the summary.",
    )
    canonical_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Only if this article's original lives at another address.",
    )

    # Import bookkeeping (see articles/importers/writer.py).
    import_key = models.CharField(max_length=500, unique=True, null=True, blank=True, editable=False)
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    import_state = models.CharField(max_length=64, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, touch=True, **kwargs):
        self.fill_defaults()
        self.render()
        if touch:
            self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "excerpt", "updated_at", "slug", "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def description(self) -> str:
        """Meta description: the editor's, else the summary (typed or derived)."""
        return self.meta_description or self.excerpt

    @property
    def state(self) -> str:
        """Draft, Scheduled or Published, as editors think of it."""
        if self.status == self.Status.PUBLISHED and not self.is_public:
            return "Scheduled"
        return self.get_status_display()

    def clean(self):
        self.title = " ".join(self.title.split())
        if not self.title:
            raise ValidationError({"title": "An article needs a title."})
        self.fill_defaults()  # before unique checks, so a blank slug is filled, not refused

    def fill_defaults(self):
        """A slug from the title, and publication now for a published article without a date."""
        if not self.slug:
            self.slug = unique_slug(Article, self.title, SLUG_MAX_LENGTH, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def render(self):
        """Derive the stored HTML and excerpt from the editable fields."""
        self.body_html = render_markdown(self.body)
        self.excerpt = " ".join(self.summary.split()) or first_paragraph_text(self.body_html)
