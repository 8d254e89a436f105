from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from markdownx.admin import MarkdownxModelAdmin

from .models import Article, Tag, Topic


@admin.register(Article)
class ArticleAdmin(MarkdownxModelAdmin):
    list_display = ["title", "state", "published_at", "updated_at", "topic"]
    list_filter = ["status", "topic", "tags"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["tags", "topic", "author"]
    readonly_fields = ["created_at", "updated_at", "import_source"]
    list_select_related = ["topic"]
    actions = ["publish", "unpublish"]

    class Media:
        # Shows a refused image upload's message beside the editor instead of markdownx's "Invalid response".
        js = ["articles/editor_uploads.js"]

    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "summary"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "topic", "tags"]}),
        ("Search engines", {"fields": ["meta_description", "canonical_url"], "classes": ["collapse"]}),
        ("History", {"fields": ["created_at", "updated_at", "import_source"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Status", ordering="status")
    def state(self, article):
        return article.state

    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            # Leading spaces can be Markdown (an indented code block); the model trims blank lines itself.
            field.strip = False
        return field

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now (or at their scheduled time)", permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            article.publish()
            article.save()
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Moved {count} article(s) back to draft.", messages.SUCCESS)


class SafeDateChangeList(ChangeList):
    """The date drill-down computes the next year or month; at the calendar's end (year 9999,
    typed into the address) that overflows. Treat it as any other bad filter: a message, not a 500."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
