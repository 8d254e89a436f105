"""The admin side of the editorial workflow: the change form's permission and conflict checks,
revisions (history, one revision, comparison, restore), share links, the trash.

The rules themselves live in workflow.py, revisions.py, share.py and trash.py; this module
only connects them to Django's admin.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import NestedObjects, unquote
from django.contrib.redirects.models import Redirect
from django.core.exceptions import PermissionDenied
from django.db import connection, router
from django.db.models.fields.json import KT
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import revisions, seo, share, trash, workflow
from .models import Article, Revision, SearchEntry, TrashedArticle

# The change form's hidden bookkeeping: never something an editor changed.
INTERNAL_FIELDS = ("base_revision", "restored_from")
AUTOSAVE_PREFIX = "article-autosave:"
# Set by autosave.js on submit: which browser copy this save came from, so the next page forgets only that one.
AUTOSAVE_FIELD = "_autosave_key"
AUTOSAVE_SESSION = "articles_autosave_saved"


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "N j, Y, P T")


def _who(revision: Revision) -> str:
    if revision.user is not None:
        return revision.user.get_full_name() or revision.user.get_username()
    return "an import" if revision.source == Revision.Source.IMPORT else "someone"


class ArticleAdminForm(forms.ModelForm):
    """The change form, with the server-side checks every save goes through: what the user may change
    (workflow.refusals) and whether someone else saved since the form was opened."""

    # The latest revision when the form was opened: an optimistic version check, no lock to leave behind.
    base_revision = forms.CharField(required=False, widget=forms.HiddenInput)
    # Set when the form was loaded from an earlier revision ("Restore this revision").
    restored_from = forms.IntegerField(required=False, widget=forms.HiddenInput)

    user = None  # set per request by EditorialAdminMixin.get_form
    restoring: Revision | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            latest = revisions.latest_revision(self.instance)
            self.initial["base_revision"] = str(latest.pk) if latest else ""
            if self.restoring is not None:
                self.initial.update(revisions.form_initial(self.restoring))
                self.initial["restored_from"] = self.restoring.pk
        if "status" in self.fields and not workflow.may_publish(self.user):
            # Only offered, not enforced, here: a posted "published" gets refusals()'s message.
            allowed = {Article.Status.DRAFT, Article.Status.REVIEW}
            if self.instance.pk and self.instance.status == Article.Status.PUBLISHED:
                allowed.add(Article.Status.PUBLISHED)
            self.fields["status"].widget.choices = [c for c in self.fields["status"].choices if c[0] in allowed]

    def _post_clean(self):
        super()._post_clean()
        self._post_clean_unique_message()
        if self._errors:
            return
        before = None
        if self.instance.pk:
            current = Article.objects.filter(pk=self.instance.pk)
            if connection.in_atomic_block:  # the admin's view is; two saves of one article queue here
                current = current.select_for_update()
            before = current.first()
        problems = workflow.refusals(self.user, before, self.instance)
        if before is not None and self._check_conflict():
            # Someone saved since: what is refused is most likely their change (a Publisher published,
            # dated or renamed it), still stale in this form. Put theirs back so the next save can go through.
            stale = workflow.refused_fields(self.user, before, self.instance)
            if stale:
                self._refill(before, stale)
                problems = workflow.refusals(self.user, before, self.instance)
        for problem in problems:
            self.add_error(None, problem)

    def _refill(self, before: Article, names: list[str]) -> None:
        data = self.data.copy()
        for name in names:
            value = getattr(before, name)
            setattr(self.instance, name, value)
            field = self.fields[name]
            if isinstance(field.widget, forms.MultiWidget):
                parts = zip(field.widget.widgets, field.widget.decompress(value), strict=True)
                for index, (widget, part) in enumerate(parts):
                    data[f"{name}_{index}"] = widget.format_value(part) or ""
            else:
                data[name] = "" if value is None else str(value)
        self.data = data
        labels = ", ".join(str(self.fields[name].label or name) for name in names)
        self.add_error(
            None,
            f"{labels}: put back to the saved values, which only a Publisher can change; "
            "every other field keeps what you typed.",
        )

    def _post_clean_unique_message(self):
        """A slug held by an article in the trash: say so, and how to free it, not only "already exists"."""
        errors = self._errors.get("slug") if self._errors else None
        if not errors or not any(getattr(e, "code", "") == "unique" for e in errors.as_data()):
            return
        holder = Article.objects.trashed().filter(slug=self.instance.slug).exclude(pk=self.instance.pk).first()
        if holder is not None:
            self._errors["slug"] = self.error_class(
                [
                    f"The address “{holder.slug}” is held by “{holder.title}”, an article in the trash. "
                    "Choose another slug, or ask a Publisher to free it: restore that article from the trash "
                    "(and change its slug), or delete it for good."
                ]
            )

    def _check_conflict(self) -> bool:
        latest = revisions.latest_revision(self.instance)
        opened = self.cleaned_data.get("base_revision") or ""
        if latest is None or opened == str(latest.pk):
            return False
        earlier = Revision.objects.filter(article=self.instance, pk=opened).first() if opened.isdigit() else None
        if earlier is not None:
            changed = revisions.changed_fields(earlier.content, latest.content)
            link = _admin_url("compare", self.instance.pk) + f"?a={earlier.pk}&b={latest.pk}"
        else:
            changed = []
            link = _admin_url("revision", self.instance.pk, latest.pk)
        what = f" (changed: {', '.join(changed)})" if changed else ""
        self.add_error(
            None,
            format_html(
                "Not saved: {} saved this article at {}{}, after you opened it. "
                '<a href="{}">See what they changed</a>. Your text is still in the form below; '
                "saving again replaces their version with yours.",
                _who(latest),
                _when(latest.created_at),
                what,
                link,
            ),
        )
        # The next save is a deliberate one, made knowing their version.
        data = self.data.copy()
        data["base_revision"] = str(latest.pk)
        self.data = data
        return True


def _autosave_key(request, article) -> str:
    """The browser copy's key: per article and user; autosave.js adds a per-tab part for a new article."""
    return f"{AUTOSAVE_PREFIX}{article.pk if article is not None and article.pk else 'new'}:{request.user.pk}"


def _without_restore(response):
    if not isinstance(response, HttpResponseRedirect):
        return response
    scheme, netloc, path, query, fragment = urlsplit(response["Location"])
    kept = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name != "restore"]
    response["Location"] = urlunsplit((scheme, netloc, path, urlencode(kept), fragment))
    return response


def _admin_url(view: str, article_pk, *args) -> str:
    return reverse(f"admin:articles_article_{view}", args=[article_pk, *args])


class EditorialAdminMixin:
    """For ArticleAdmin: permission and conflict checks, revisions, share links, deleting to the trash."""

    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"

    # -- the change form

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user, "restoring": self._restoring(request, obj)})

    def get_fieldsets(self, request, obj=None):
        # The form's hidden fields are rendered (and so posted back) only if a fieldset names them.
        (name, options), *rest = super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": [*options["fields"], "base_revision", "restored_from"]}), *rest]

    def _restoring(self, request, obj) -> Revision | None:
        wanted = request.GET.get("restore", "")
        if obj is None or request.method != "GET" or not wanted.isdigit():
            return None
        return Revision.objects.filter(article=obj, pk=wanted).first()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        restoring = self._restoring(request, obj)
        if restoring is not None:
            note = f"This form holds the revision of {_when(restoring.created_at)} by {_who(restoring)}. "
            note += "Save to restore it (as a new revision); leave the page to keep the article as it is."
            missing = revisions.missing_terms(restoring)
            if missing:
                note += f" Deleted since, so not restored: {', '.join(missing)}."
            messages.warning(request, note)
            for consequence in revisions.restore_consequences(restoring, obj):
                messages.warning(request, consequence)
        elif obj is not None and request.method == "GET" and "restore" in request.GET:
            # Pruned, or another article's: showing the current article instead would pass for the revision.
            messages.error(
                request,
                "That revision no longer exists (old revisions are pruned) or belongs to another article: "
                "the form shows the article as it is now.",
            )
        context.update(
            autosave_key=_autosave_key(request, obj),
            autosave_saved=self._saved_copies(request),
            share_url=_admin_url("share", obj.pk) if obj and not obj.is_public else "",
            revoke_url=_admin_url("share_revoke", obj.pk) if obj and obj.share_key else "",
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def changelist_view(self, request, extra_context=None):
        extra = {"autosave_saved": self._saved_copies(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    # -- after a successful save

    def response_add(self, request, obj, post_url_continue=None):
        self._remember_saved_copy(request, obj, add=True)
        return _without_restore(super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        self._remember_saved_copy(request, obj, add=False)
        # The form was opened at ?restore=N: the saved article, not the old revision again, comes back.
        return _without_restore(super().response_change(request, obj))

    def _remember_saved_copy(self, request, obj, *, add: bool) -> None:
        """Note the browser copy this save came from, for the next page to tell autosave.js to forget it."""
        posted = request.POST.get(AUTOSAVE_FIELD, "")
        expected = _autosave_key(request, None if add else obj)
        if len(posted) <= 200 and (posted == expected or posted.startswith(expected + ":")):
            request.session[AUTOSAVE_SESSION] = [*request.session.get(AUTOSAVE_SESSION, [])[-9:], posted]

    def _saved_copies(self, request) -> list[str]:
        return request.session.pop(AUTOSAVE_SESSION, []) if hasattr(request, "session") else []

    def construct_change_message(self, request, form, formsets, add=False):
        # Only what the editor changed: not the hidden bookkeeping, not text that differs only in line endings
        # (a browser posts CRLF; what is stored is the same).
        initial = form.initial
        form.changed_data = [
            name
            for name in form.changed_data
            if name not in INTERNAL_FIELDS
            and not (isinstance(initial.get(name), str) and getattr(form.instance, name, None) == initial.get(name))
        ]
        return super().construct_change_message(request, form, formsets, add)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        restored_pk = form.cleaned_data.get("restored_from")
        restored = Revision.objects.filter(article=form.instance, pk=restored_pk).first() if restored_pk else None
        source = Revision.Source.RESTORE if restored else Revision.Source.ADMIN
        if form.instance.trashed_at is not None:
            messages.warning(
                request,
                f"“{form.instance}” was moved to the trash while you were editing it. Your changes are saved in it; "
                "a Publisher can restore it from the trash.",
            )
        workflow.after_save(form.instance, user=request.user, source=source, restored_from=restored, created=not change)

    @admin.display(description="Old addresses that lead here")
    def incoming_redirects(self, article):
        found = Redirect.objects.filter(new_path=article.get_absolute_url()).order_by("old_path") if article.pk else []
        if not found:
            return "None"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a>',
            ((reverse("admin:redirects_redirect_change", args=[r.pk]), r.old_path) for r in found),
        )

    # -- who may publish

    def has_publish_permission(self, request) -> bool:
        return workflow.may_publish(request.user)

    # -- deleting moves to the trash

    def get_queryset(self, request):
        return super().get_queryset(request).not_trashed()

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        match = request.resolver_match
        if article is None and request.method == "POST" and match and match.url_name == "articles_article_change":
            # Moved to the trash while someone was editing it: their save goes into it, and comes back with it.
            article = Article.objects.trashed().filter(pk=object_id).first() if str(object_id).isdigit() else None
        return article

    def delete_model(self, request, obj):
        trash.move_to_trash([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        trash.move_to_trash(queryset, user=request.user)

    def response_delete(self, request, obj_display, obj_id):
        if IS_POPUP_VAR in request.POST:
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(request, f"“{obj_display}” is in the trash; a Publisher can restore it.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    # Named as Django's bulk delete so that it takes its place: the list's delete goes to the trash too.
    @admin.action(description="Move selected articles to the trash", permissions=["delete"])
    def delete_selected(self, request, queryset):
        count = trash.move_to_trash(queryset, user=request.user)
        self.message_user(request, f"Moved {count} article(s) to the trash; a Publisher can restore them.")

    # -- revisions and share links

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/compare/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/history/<int:revision_id>/",
                view(self.revision_view),
                name="articles_article_revision",
            ),
            path("<path:object_id>/share/", view(self.share_view), name="articles_article_share"),
            path("<path:object_id>/share/revoke/", view(self.revoke_view), name="articles_article_share_revoke"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id, *, change=False) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _context(self, request, article, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "has_change_permission": self.has_change_permission(request, article),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        rows = []
        if article is not None:  # else Django's history_view answers
            live = revisions.live_hash(article)
            # Titles only: a revision's content holds the whole body.
            listed = article.revisions.select_related("user").defer("content").annotate(title=KT("content__title"))
            rows = [{"revision": r, "who": _who(r), "is_live": r.content_hash == live} for r in listed]
        return super().history_view(request, object_id, {"revision_rows": rows, **(extra_context or {})})

    def revision_view(self, request, object_id, revision_id):
        article = self._article_or_404(request, object_id)
        revision = Revision.objects.filter(article=article, pk=revision_id).select_related("user").first()
        if revision is None:
            raise Http404("No such revision of this article.")
        context = self._context(
            request,
            article,
            f"Revision of {_when(revision.created_at)}",
            revision=revision,
            who=_who(revision),
            body_html=mark_safe(revisions.rendered_body(revision)),  # render_markdown's output is sanitised
            restore_url=_admin_url("change", article.pk) + f"?restore={revision.pk}",
            missing=revisions.missing_terms(revision),
            fields=revisions.compare({}, revision.content),  # every field that has a value, as editors name it
        )
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        ids = [request.GET.get(name, "") for name in ("a", "b")]
        found = {r.pk: r for r in Revision.objects.filter(article=article, pk__in=[i for i in ids if i.isdigit()])}
        pair = sorted({found[int(i)] for i in ids if i.isdigit() and int(i) in found}, key=lambda r: r.pk)
        if len(pair) != 2:
            self.message_user(request, "Choose two different revisions of this article to compare.", messages.ERROR)
            return HttpResponseRedirect(_admin_url("history", article.pk))
        old, new = pair
        context = self._context(
            request,
            article,
            f"Changes between {_when(old.created_at)} and {_when(new.created_at)}",
            old=old,
            new=new,
            old_who=_who(old),
            new_who=_who(new),
            changes=revisions.compare(old.content, new.content),
        )
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def share_view(self, request, object_id):
        article = self._article_or_404(request, object_id, change=True)
        if request.method != "POST":
            return HttpResponseRedirect(_admin_url("change", article.pk))
        if article.is_public:
            self.message_user(request, "This article is public: share its address instead.", messages.WARNING)
        else:
            link, expires = share.share_link(article)
            url = seo.absolute_url(request, link)
            self.message_user(
                request,
                format_html(
                    'Preview link, valid until {}: <a href="{}">{}</a>. Anyone with it can read this draft; '
                    "“Revoke preview links” ends every link given out.",
                    _when(expires),
                    url,
                    url,
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(_admin_url("change", article.pk))

    def revoke_view(self, request, object_id):
        article = self._article_or_404(request, object_id, change=True)
        if request.method == "POST":
            share.revoke_links(article)
            self.message_user(request, "Every preview link to this article has stopped working.", messages.SUCCESS)
        return HttpResponseRedirect(_admin_url("change", article.pk))


@admin.register(TrashedArticle)
class TrashAdmin(admin.ModelAdmin):
    """Deleted articles, which Publishers restore or delete for good (as empty_trash does)."""

    list_display = ["title", "state", "trashed_at", "trashed_by"]
    search_fields = ["title", "body"]
    actions = ["restore", "delete_selected"]
    readonly_fields = ["title", "slug", "summary", "body", "status", "published_at", "trashed_at", "trashed_by"]
    fields = readonly_fields

    def get_queryset(self, request):
        return TrashedArticle.objects.trashed().select_related("trashed_by")

    @admin.display(description="Status")
    def state(self, article):
        return article.get_status_display()

    def has_view_permission(self, request, obj=None):
        return workflow.may_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.may_publish(request.user)

    def has_publish_permission(self, request):
        return workflow.may_publish(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Django's own bulk delete (its confirmation page, then a real delete), under a name that says what it does.
    @admin.action(description="Delete selected articles for good", permissions=["delete"])
    def delete_selected(self, request, queryset):
        return django_delete_selected(self, request, queryset)

    def get_deleted_objects(self, objs, request):
        """The confirmation lists the articles and what goes with them in words, not the rows Django
        keeps behind the scenes (tag links, search entries)."""
        _, _, perms_needed, protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(list(objs))
        articles = sorted(collector.data.get(TrashedArticle, ()) or collector.data.get(Article, ()), key=str)
        revision_counts = {}
        for revision in collector.data.get(Revision, ()):
            revision_counts[revision.article_id] = revision_counts.get(revision.article_id, 0) + 1
        listed = []
        for article in articles:
            listed.append(f"Article: {article.title}")
            if revision_counts.get(article.pk):
                listed.append([f"its {revision_counts[article.pk]} revision(s)"])
        counts = {"articles": len(articles)}
        if revision_counts:
            counts["revisions"] = sum(revision_counts.values())
        for model, found in collector.data.items():
            # Tag links (the auto-created through model) and search entries go with the article, unseen.
            if model in (Article, TrashedArticle, Revision, SearchEntry) or model._meta.auto_created:
                continue
            counts[str(model._meta.verbose_name_plural)] = len(found)  # anything else is still said
        return listed, counts, perms_needed, protected

    @admin.action(description="Restore selected articles from the trash", permissions=["publish"])
    def restore(self, request, queryset):
        count = trash.restore_from_trash(queryset)
        self.message_user(request, f"Restored {count} article(s) from the trash.", messages.SUCCESS)
