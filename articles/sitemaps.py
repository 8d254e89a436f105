"""/sitemap.xml and /robots.txt: every public address search engines should know, and nothing else.

Articles (lastmod from their last meaningful change), the home page, and topics and tags that have
a public article. Up to 50,000 addresses (the protocol's limit for one file) /sitemap.xml is the
sitemap itself; above that it is a sitemap index of /sitemap-<section>.xml?p=N files.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from . import seo
from .models import Article, Tag, Topic


class PublicSitemap(Sitemap):
    """Addresses start with SITE_URL (or the request's host locally), never django.contrib.sites' domain."""

    def __init__(self, home_url: str):
        parts = urlsplit(home_url)
        self.protocol, self.domain = parts.scheme, parts.netloc

    def get_domain(self, site=None):
        return self.domain


class ArticleSitemap(PublicSitemap):
    def items(self):
        return Article.objects.published().order_by("pk").only("slug", "published_at", "updated_at")

    def lastmod(self, article):
        return seo.date_modified(article)


class HomeSitemap(PublicSitemap):
    """The home page and the list of topics: they change when a public article does."""

    def items(self):
        return ["articles:list", "articles:topics"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        latest = Article.objects.published().newest_first().only("published_at", "updated_at").first()
        return seo.date_modified(latest) if latest else None


class TermSitemap(PublicSitemap):
    model: type[Topic] | type[Tag]

    def items(self):
        latest = Article.objects.published().filter(**{self.model.article_lookup: OuterRef("pk")})
        return (
            self.model.objects.public()
            .annotate(
                last_published=Subquery(latest.order_by("-published_at").values("published_at")[:1]),
                last_updated=Subquery(latest.order_by("-updated_at").values("updated_at")[:1]),
            )
            .order_by("pk")
        )

    def lastmod(self, term):
        return max(term.last_published, term.last_updated)


class TopicSitemap(TermSitemap):
    model = Topic


class TagSitemap(TermSitemap):
    model = Tag


SECTIONS = {"home": HomeSitemap, "articles": ArticleSitemap, "topics": TopicSitemap, "tags": TagSitemap}


def sitemaps_for(request) -> dict[str, PublicSitemap]:
    home = seo.absolute_url(request, "/")
    return {section: sitemap(home) for section, sitemap in SECTIONS.items()}


def sitemap(request, section=None):
    sitemaps = sitemaps_for(request)
    if section is None and sum(s.paginator.count for s in sitemaps.values()) > Sitemap.limit:
        return sitemap_index(request, sitemaps)
    return sitemap_views.sitemap(request, sitemaps, section=section)


@sitemap_views.x_robots_tag
def sitemap_index(request, sitemaps):
    locations = []
    for section, site in sitemaps.items():
        url = seo.absolute_url(request, reverse("sitemap-section", kwargs={"section": section}))
        for page in site.paginator.page_range:
            locations.append(sitemap_views.SitemapIndexItem(url if page == 1 else f"{url}?p={page}", None))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": locations}, content_type="application/xml; charset=utf-8"
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        # Result pages are endless combinations of one content; they are noindex too.
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {seo.absolute_url(request, reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
