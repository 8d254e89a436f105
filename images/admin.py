from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .forms import ImageAddForm
from .markup import picture_html
from .models import Image


class AltTextFilter(admin.SimpleListFilter):
    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "Missing"), ("present", "Present")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(alt_text="")
        if self.value() == "present":
            return queryset.exclude(alt_text="")
        return queryset


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "__str__", "has_alt_text", "used_in", "size", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = [AltTextFilter, "format"]
    search_fields = ["alt_text", "original_name", "caption"]
    readonly_fields = ["preview", "markdown", "size", "format", "uploaded_by", "uploaded_at", "used_in_articles"]
    fields = ["preview", "alt_text", "caption", "credit", "markdown", "original_name", "size", "format",
              "uploaded_by", "uploaded_at", "used_in_articles"]  # fmt: skip

    class Media:
        css = {"all": ["images/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:  # adding: a file to upload, then what describes it
            kwargs["form"] = ImageAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["upload", "alt_text", "caption", "credit"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        elif form.created:
            obj.uploaded_by = request.user
            obj.save(update_fields=["uploaded_by"])
        else:
            request._image_was_known = True

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_image_was_known", False):
            # Django's "added successfully" would contradict this: nothing was added. Open the image there is.
            self.message_user(
                request,
                f"This picture was already in the library as “{obj}”: no copy was made. "
                "Its description is below; change it here if it needs to.",
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:images_image_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="Image")
    def thumbnail(self, image):
        return _html(picture_html(image.ref, "", sizes="8rem"))

    @admin.display(description="Preview")
    def preview(self, image):
        return _html(picture_html(image.ref, image.alt_text, sizes="20rem"))

    @admin.display(description="Has alt text", boolean=True, ordering="alt_text")
    def has_alt_text(self, image):
        return bool(image.alt_text)

    def get_queryset(self, request):
        return super().get_queryset(request).with_use_count()

    @admin.display(description="Used in", ordering="use_count")
    def used_in(self, image):
        return f"{image.use_count} article(s)" if image.use_count else "Unused"

    @admin.display(description="Size")
    def size(self, image):
        return f"{image.width} × {image.height} px"

    @admin.display(description="Markdown")
    def markdown(self, image):
        return format_html("<code>{}</code>", image.markdown())

    @admin.display(description="Used in")
    def used_in_articles(self, image):
        articles = image.used_in().only("pk", "title")
        if not articles:
            return "No article."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", '<li><a href="{}">{}</a></li>',
                ((reverse("admin:articles_article_change", args=[a.pk]), a.title) for a in articles),
            ),
        )  # fmt: skip

    def get_deleted_objects(self, objs, request):
        """An image an article shows cannot be deleted: the page lists those articles instead."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for image in objs:
            for article in image.used_in().exclude(featured_image=image).only("pk", "title"):
                protected.append(
                    format_html(
                        'Article: <a href="{}">{}</a> (shows “{}” in its body)',
                        reverse("admin:articles_article_change", args=[article.pk]), article.title, image,
                    )
                )  # fmt: skip
        return deleted, counts, perms_needed, protected


def _html(markup: str):
    return mark_safe(markup)  # built by picture_html, which escapes every value
