from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from markdownx.admin import MarkdownxModelAdmin

from images.alt_text import images_without_alt

from . import search, seo_checklist, workflow
from .editorial_admin import EditorialAdminMixin
from .forms import LocalDateTimeField
from .models import Article, DeletedImport, Revision, Tag, Topic
from .pagination import CappedCountPaginator


class OnThisSiteMixin:
    """ "View on site" opens the page on the host the admin is used on. Django's default goes through
    contrib.sites' Site record, which nobody sets (it says example.com)."""

    def view_on_site(self, obj):
        return obj.get_absolute_url()


class StateFilter(admin.SimpleListFilter):
    """Draft, Scheduled or Published, as editors think of it (the status field alone has no Scheduled)."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "Ready for review"),
            ("scheduled", "Scheduled"),
            ("published", "Published"),
        ]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.drafts,
            "review": queryset.ready_for_review,
            "scheduled": queryset.scheduled,
            "published": queryset.published,
        }.get(self.value(), queryset.all)()


class SeoFilter(admin.SimpleListFilter):
    title = "SEO checklist"
    parameter_name = "seo"

    def lookups(self, request, model_admin):
        return [("attention", "Needs attention"), ("ok", "All done")]

    def queryset(self, request, queryset):
        if self.value() not in {"attention", "ok"}:
            return queryset
        ids = seo_checklist.needs_attention_ids(queryset)
        return queryset.filter(pk__in=ids) if self.value() == "attention" else queryset.exclude(pk__in=ids)


class TermFilter(admin.RelatedFieldListFilter):
    """Django's topic and tag filter, the same links, each choice's query string its own parameter placed among the
    others encoded once: Django copies, sorts and encodes every parameter for each of 300 tags."""

    def choices(self, changelist):
        if changelist.add_facets:
            yield from super().choices(changelist)
            return
        yield next(super().choices(changelist))  # "All", as Django's
        kwarg = self.lookup_kwarg
        others = sorted(
            (key, value)
            for key, value in changelist.filter_params.items()
            if not key.startswith(self.lookup_kwarg_isnull) and key != kwarg
        )
        before = urlencode([item for item in others if item[0] < kwarg], doseq=True)
        after = urlencode([item for item in others if item[0] > kwarg], doseq=True)
        for pk_val, val in self.lookup_choices:
            own = urlencode([(kwarg, pk_val)])
            yield {
                "selected": self.lookup_val is not None and str(pk_val) in self.lookup_val,
                "query_string": "?" + "&".join(part for part in (before, own, after) if part),
                "display": val,
            }
        if self.include_empty_choice:  # as Django's
            yield {
                "selected": bool(self.lookup_val_isnull),
                "query_string": changelist.get_query_string({self.lookup_kwarg_isnull: "True"}, [kwarg]),
                "display": self.empty_value_display,
            }


@admin.register(Article)
class ArticleAdmin(OnThisSiteMixin, EditorialAdminMixin, MarkdownxModelAdmin):
    list_display = ["title", "state", "publication", "updated_at", "topic", "seo"]
    list_filter = [StateFilter, SeoFilter, ("topic", TermFilter), ("tags", TermFilter)]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["tags", "topic", "author", "featured_image"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "import_source",
        "images_without_alt_text",
        "seo_checklist",
        "incoming_redirects",
    ]
    list_select_related = ["topic"]
    # One count (the filtered one) a page, not a second one of every article: at 100,000 each costs.
    show_full_result_count = False
    # Each row costs about 1.5 ms to draw (eight columns, the SEO checklist over its body): 100 rows took 300 ms.
    list_per_page = 50
    actions = ["publish", "unpublish", "delete_selected"]

    class Media:
        # A refused image upload's message beside the editor instead of markdownx's "Invalid response"; a dialog
        # asking for a dropped image's description; unsaved text kept in the browser; the autocomplete boxes
        # get the names screen readers need.
        js = [
            "articles/editor_uploads.js",
            "articles/alt_text_prompt.js",
            "articles/autosave.js",
            "articles/autocomplete_names.js",
        ]

    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "images_without_alt_text", "summary", "featured_image"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "topic", "tags"]}),
        ("SEO checklist", {"fields": ["seo_checklist"]}),
        ("Search engines", {"fields": ["meta_description", "canonical_url"], "classes": ["collapse"]}),
        ("History", {"fields": ["created_at", "updated_at", "import_source"], "classes": ["collapse"]}),
        ("Old addresses", {"fields": ["incoming_redirects"], "classes": ["collapse"]}),
    ]

    def action_checkbox(self, obj):
        """Django's checkbox, the same HTML, without drawing a form widget through its templates: 1 ms a row."""
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    @admin.display(description="Status", ordering="status")
    def state(self, article):
        return article.state

    @admin.display(description="Images without alt text")
    def images_without_alt_text(self, article):
        missing = images_without_alt(article.body) if article.pk else []
        if not missing:
            return "None." if article.pk else "Checked once the article is saved."
        return format_html_join(", ", "<code>{}</code>", ((src,) for src in missing))

    @admin.display(description="Publication date", ordering="published_at")
    def publication(self, article):
        # A draft's date is only a plan (or an imported leftover): not shown as if it were published.
        return article.published_at if article.status == Article.Status.PUBLISHED else None

    def get_search_results(self, request, queryset, search_term):
        """Articles with every word (title, summary, topic, tags, body) through the search index, never a LIKE
        over every body; word forms match as on the public search ("therapists" finds "therapist")."""
        if not search_term.strip():
            return queryset, False
        return search.filter_all_articles(queryset, search_term), False

    def get_changelist(self, request, **kwargs):
        return SafeDateChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search's count stops at a thousand; the plain list's count is one read of article_admin_list_idx.
        paginator = CappedCountPaginator if request.GET.get(SEARCH_VAR, "").strip() else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # One checklist context for the page (three queries), not a query per row.
        articles = list(changelist.result_list)
        context = seo_checklist.Context.for_articles(articles)
        for article in articles:
            article.seo_issues = seo_checklist.check(article, context)
        return changelist

    @admin.display(description="SEO")
    def seo(self, article):
        issues = getattr(article, "seo_issues", [])
        if not issues:
            return "✓ Done"
        return format_html('<span title="{}">{} to fix</span>', "\n".join(i.message for i in issues), len(issues))

    @admin.display(description="Checklist")
    def seo_checklist(self, article):
        """From the saved article: save to see the effect of a change."""
        if article is None or article.pk is None:
            return "Save the article to see its checklist."
        saved = Article.objects.get(pk=article.pk)
        issues = seo_checklist.check(saved, seo_checklist.Context.for_articles([saved]))
        if not issues:
            return "Nothing to fix."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i.message,) for i in issues)))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            # Leading spaces can be Markdown (an indented code block); the model trims blank lines itself.
            field.strip = False
        if db_field.name == "published_at":
            field = LocalDateTimeField(required=False, label=field.label, help_text=field.help_text)
        return field

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now (or at their scheduled time)", permissions=["publish"])
    def publish(self, request, queryset):
        now, count, kept = timezone.now(), 0, []
        waiting = [a for a in queryset.filter(status=Article.Status.PUBLISHED) if not a.is_public]
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            if article.publish(now):
                kept.append(article)
            article.save()
            workflow.after_save(article, user=request.user, source=Revision.Source.ACTION)
            count += 1
        message = f"Published {count} article(s)."
        if kept:
            message += f" Kept the future time set for {_list_with_times(kept)}: public then."
        if waiting:
            message += f" Already scheduled, unchanged: {_list_with_times(waiting)}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            workflow.after_save(article, user=request.user, source=Revision.Source.ACTION)
            count += 1
        self.message_user(request, f"Moved {count} article(s) back to draft.", messages.SUCCESS)


def _list_with_times(articles) -> str:
    """“Title” (Nov. 7, 2027, 1:30 a.m. EST), ...: the zone tells the two 1:30s of an autumn night apart."""
    return ", ".join(
        f"“{a.title}” ({formats.date_format(timezone.localtime(a.published_at), 'N j, Y, P T')})" for a in articles
    )


class SafeDateChangeList(ChangeList):
    """The date drill-down computes the next year or month; at the calendar's end (year 9999,
    typed into the address) that overflows. Treat it as any other bad filter: a message, not a 500."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if self.query.strip():
            # Hidden while searching: each year it lists is one more pass over the matches (a common word
            # matches most of 100,000 articles). A year chosen before searching still filters.
            self.date_hierarchy = None

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class TermAdmin(OnThisSiteMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]

    def get_deleted_objects(self, objs, request):
        """The confirmation page lists what is deleted; articles are not, but they lose the term: say how many."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kind = self.model._meta.verbose_name
        affected = Article.objects.filter(**{f"{self.model.article_lookup}__in": list(objs)}).distinct().count()
        if affected:
            counts[f"articles that lose this {kind} (they are kept)"] = affected
        return deleted, counts, perms_needed, protected


@admin.register(Topic)
class TopicAdmin(TermAdmin):
    pass


@admin.register(Tag)
class TagAdmin(TermAdmin):
    pass


@admin.register(DeletedImport)
class DeletedImportAdmin(admin.ModelAdmin):
    """Imported articles deleted here, which imports skip. Deleting a row here lets the next import bring it back."""

    list_display = ["title", "deleted_at", "import_key"]
    search_fields = ["title", "import_key"]
    readonly_fields = ["title", "deleted_at", "import_key"]

    def has_add_permission(self, request):
        return False
