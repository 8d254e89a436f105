from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, OuterRef, ProtectedError, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .markup import BODY_SIZES, picture_html
from .references import SCHEME, ImageRef
from .renditions import delete_files


class ImageQuerySet(models.QuerySet):
    def with_use_count(self):
        """Each image with `use_count`: how many articles show it (Image.used_in), in the same query."""
        from articles.models import Article

        reference = Concat(Value(f"{SCHEME}"), OuterRef("key"), Value("/"))
        users = (
            Article.objects.filter(Q(body__contains=reference) | Q(featured_image=OuterRef("pk")))
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(count=Count("pk", distinct=True))
            .values("count")
        )
        return self.annotate(use_count=Coalesce(Subquery(users), 0))


class Image(models.Model):
    """One picture in the media library. Its stored bytes are cleaned (articles/uploads.py) and
    addressed by their hash: the same picture added twice is one Image."""

    file = models.FileField(max_length=200, editable=False)  # images/<key>/original.<ext>, through STORAGES
    key = models.CharField(max_length=16, unique=True, editable=False)
    content_hash = models.CharField(max_length=64, unique=True, editable=False, help_text="SHA-256 of the stored file.")
    # The bytes as they were sent, before cleaning: the same upload again is found without decoding it.
    source_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    original_name = models.CharField("file name", max_length=255, blank=True, help_text="As it was uploaded.")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    format = models.CharField(max_length=10, editable=False)  # jpg, png, gif, webp
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the image shows, for people who cannot see it and for search engines. "
        "Leave blank only for a purely decorative image.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer or source, if it must be named.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.alt_text or self.original_name or self.key

    @property
    def ref(self) -> ImageRef:
        return ImageRef(self.key, self.width, self.height, self.format)

    @property
    def reference(self) -> str:
        """What Markdown puts between the parentheses of ![alt](...)."""
        return str(self.ref)

    def html(self, *, eager: bool = False, sizes: str = BODY_SIZES) -> SafeString:
        """The image as pages show it (featured images, lists); picture_html escapes every value."""
        return mark_safe(picture_html(self.ref, self.alt_text, eager=eager, sizes=sizes))

    def markdown(self, alt: str | None = None) -> str:
        return f"![{(self.alt_text if alt is None else alt).replace(']', '')}]({self.reference})"

    def used_in(self):
        """Articles that show this image: in their body, or as their featured image."""
        from articles.models import Article

        return Article.objects.filter(Q(body__contains=f"{SCHEME}{self.key}/") | Q(featured_image=self)).distinct()


@receiver(pre_delete, sender=Image)
def refuse_deleting_used_image(sender, instance: Image, **kwargs):
    # Featured images are protected by their foreign key; an image in a body only by this.
    used = list(instance.used_in().only("pk", "title"))
    if used:
        titles = ", ".join(f"“{article.title}”" for article in used)
        raise ProtectedError(f"The image “{instance}” is used in {titles}; remove it from them first.", used)


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance: Image, **kwargs):
    # After the commit: a rolled-back delete keeps its files.
    transaction.on_commit(lambda: delete_files(instance.ref))
