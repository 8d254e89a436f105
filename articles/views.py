from django.db import connection
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from . import around, reading, search, seo, share
from .models import Article, Tag, Topic
from .pagination import IdsFirstPaginator, public_term_or_404, term_count_name

PAGE_SIZE = 10


class PublicArticlesMixin:
    """Every public list starts from Article.objects.published()."""

    def public_articles(self):
        return Article.objects.published().newest_first().select_related("topic", "featured_image")


class ArticleListView(PublicArticlesMixin, ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    paginator_class = IdsFirstPaginator

    def get_queryset(self):
        return self.public_articles()

    def count_name(self) -> str:
        """What the list counts, for its stored count (articles/pagination.py)."""
        return "articles"

    def whole_list(self, queryset):
        """The list as a query to count or read deep into (articles/pagination.py)."""
        return queryset

    sparse = False  # a thin share of the index it is read in (articles/pagination.py)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return super().get_paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count_name=self.count_name(),
            sparse=self.sparse,
            whole=self.whole_list(queryset),
            **kwargs,
        )

    def heading(self) -> str:
        return "Latest articles"

    def page_meta(self, page_number: int) -> seo.PageMeta:
        title = f"Articles, page {page_number}" if page_number > 1 else ""
        url = seo.page_url(self.request, self.request.path, page_number)
        json_ld = seo.website_json_ld(url) if page_number == 1 else None
        return seo.PageMeta(title=title, description=seo.site_description(), canonical_url=url, json_ld=json_ld)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_obj = context["page_obj"]
        first_image = True  # loads at once; the page's other images lazily
        for article in context["articles"]:  # the page's articles; the template reuses this result
            article.published_iso = seo.iso_datetime(article.published_at)
            article.image_html = article.featured_image.html(eager=first_image) if article.featured_image else ""
            first_image = first_image and not article.featured_image
        context["heading"] = self.heading()
        context["seo"] = self.page_meta(page_obj.number if page_obj else 1)
        return context


class TermArticleListView(ArticleListView):
    """Public articles of one topic or tag; 404 when it has none, so its name is not shown."""

    term_model: type[Topic] | type[Tag]
    heading_format: str

    def get_queryset(self):
        self.term = public_term_or_404(self.term_model, self.kwargs["slug"])
        return self.public_articles().of_term(self.term)

    def count_name(self) -> str:
        return term_count_name(self.term)

    def whole_list(self, queryset):
        return self.public_articles().of_term(self.term, from_the_top=False)

    def heading(self) -> str:
        return self.heading_format.format(name=self.term.name)

    def page_meta(self, page_number: int) -> seo.PageMeta:
        title = self.heading() + (f", page {page_number}" if page_number > 1 else "")
        return seo.PageMeta(
            title=title,
            description=seo.from_site(self.heading()),
            canonical_url=seo.page_url(self.request, self.term.get_absolute_url(), page_number),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{self.term_model._meta.model_name: self.term}, **kwargs)


class TopicArticleListView(TermArticleListView):
    template_name = "articles/topic_detail.html"
    term_model = Topic
    heading_format = "Articles about {name}"


class TagArticleListView(TermArticleListView):
    template_name = "articles/tag_detail.html"
    term_model = Tag
    heading_format = "Articles tagged {name}"

    @property
    def sparse(self) -> bool:
        # Read in the whole list's index, unlike a topic's (article_topic_listed_idx). PostgreSQL fetches each
        # article's row before testing its tag; SQLite tests the index entry first, and a second query costs more.
        return connection.vendor == "postgresql"


class TopicListView(ListView):
    """Topics that have at least one public article, with how many."""

    template_name = "articles/topic_list.html"
    context_object_name = "topics"

    def get_queryset(self):
        public = Q(articles__in=Article.objects.published())
        return Topic.objects.annotate(article_count=Count("articles", filter=public)).filter(article_count__gt=0)

    def get_context_data(self, **kwargs):
        meta = seo.PageMeta(
            title="Topics",
            description=f"Every topic {seo.site_name()} writes about."
            if seo.has_own_name()
            else "Every topic the articles here cover.",
            canonical_url=seo.absolute_url(self.request, self.request.path),
        )
        return super().get_context_data(seo=meta, **kwargs)


class ArticleDetailView(PublicArticlesMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    around = None  # the stored reading aids and links around the article (articles/around.py)

    def can_preview(self):
        """Staff who may change articles see drafts and scheduled articles at their real address."""
        user = self.request.user
        return user.is_staff and user.has_perm("articles.change_article")

    def get_queryset(self):
        # One row by slug: no list order (compiling it cost a sixth of the query).
        queryset = Article.objects.not_trashed() if self.can_preview() else Article.objects.published()
        self.around = around.Lookup(self.kwargs["slug"])
        if self.around.found is None:  # to be drawn: previous and next in the article's own query
            queryset = reading.with_neighbours(queryset)
        return queryset.select_related("topic", "author", "featured_image")

    def article_tags(self, article) -> list[Tag]:
        # A plain query: prefetch_related's machinery cost twice the query itself on this page.
        return list(Tag.objects.filter(articles=article))

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Public once, now in the trash: gone, not merely unknown (search engines drop it sooner).
            if Article.objects.gone().filter(slug=kwargs["slug"]).exists():
                return render(request, "410.html", status=410)
            raise

    def edit_url(self) -> str:
        if not self.can_preview():
            return ""
        try:
            return reverse("admin:articles_article_change", args=[self.object.pk])
        except NoReverseMatch:
            return ""

    def get_context_data(self, **kwargs):
        article = self.object
        is_preview = not article.is_public
        canonical_url = seo.article_canonical_url(self.request, article)
        modified = seo.date_modified(article)
        image = seo.article_image(self.request, article)
        if self.around:
            aids = self.around.aids(article, lambda: self.article_tags(article))
        else:
            aids = around.draw(article, self.article_tags(article))
        meta = seo.PageMeta(
            title=article.title,
            description=article.description,
            canonical_url=canonical_url,
            og_type="article",
            json_ld=seo.article_json_ld(article, canonical_url, image, self.request, aids["tags"]),
            noindex=is_preview,
            image=image,
        )
        return super().get_context_data(
            is_preview=is_preview,
            seo=meta,
            breadcrumbs_json_ld=seo.json_ld_html(seo.breadcrumbs_json_ld(self.request, article)),
            **aids,  # tags, reading time, contents, links around
            author_name=seo.author_name(article),
            date_modified=modified,
            published_iso=seo.iso_datetime(article.published_at),
            modified_iso=seo.iso_datetime(modified),
            show_updated=seo.was_meaningfully_updated(article),
            edit_url=self.edit_url(),
            featured_html=article.featured_image.html(eager=True) if article.featured_image else "",
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class SearchView(ListView):
    """Ranked public articles for ?q=, with highlighted snippets; never indexed by search engines."""

    template_name = "articles/search.html"
    context_object_name = "hits"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.query = " ".join(self.request.GET.get("q", "").split())
        return search.search(self.query)

    def get_context_data(self, **kwargs):
        title = f"Search results for “{self.query}”" if self.query else "Search"
        meta = seo.PageMeta(
            title=seo.short_description(title), description=seo.from_site("Search the articles"), noindex=True
        )
        return super().get_context_data(query=self.query, searched=bool(search.terms(self.query)), seo=meta, **kwargs)


class SharedPreviewView(ArticleDetailView):
    """One draft or scheduled article at a signed, expiring address (articles/share.py), for anyone who has it."""

    def article_tags(self, article) -> list[Tag]:
        return list(article.tags.all())  # prefetched by share.article_for_token

    def get(self, request, *args, **kwargs):
        article = share.article_for_token(kwargs["token"])
        if article is None:
            response = render(request, "articles/share_link_invalid.html", status=404)
            add_never_cache_headers(response)
            return response
        if article.is_public:
            return redirect(article)
        self.object = article
        response = self.render_to_response(self.get_context_data(object=article, shared_preview=True))
        response["Referrer-Policy"] = "no-referrer"  # the link's token must not leak to sites it links to
        return response
