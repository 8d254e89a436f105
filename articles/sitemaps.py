"""/sitemap.xml and /robots.txt: every public address search engines should know, and nothing else.

Articles (lastmod from their last meaningful change), the home page, and topics and tags that have
a public article (without lastmod). While every section fits one file (PublicSitemap.limit addresses, under the
protocol's 50,000) /sitemap.xml is the sitemap itself; else a sitemap index of /sitemap-<section>.xml?p=N files.
"""

from urllib.parse import quote, urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS, http_date

from . import seo
from .models import Article, Tag, Topic
from .pagination import IdsFirstPaginator


class PublicSitemap(Sitemap):
    """Addresses start with SITE_URL (or the request's host locally), never django.contrib.sites' domain."""

    # Addresses a file: the protocol allows 50,000, but Django draws 50,000 in seconds and 1,000 in about
    # 0.1 s with the cache off; the index lists every file (80,000 public articles: 80 files).
    limit = 1000
    count_name = ""  # what its items are, for a stored count (articles/pagination.py); "" counts each time
    ids_first = True

    def __init__(self, home_url: str):
        parts = urlsplit(home_url)
        self.protocol, self.domain = parts.scheme, parts.netloc

    @cached_property
    def paginator(self):
        # Counted once a request (Django's makes a new paginator, and a new count, each time it is read);
        # a deep file's rows found by their ids first (articles/pagination.py).
        return IdsFirstPaginator(self._items(), self.limit, count_name=self.count_name, ids_first=self.ids_first)

    def get_domain(self, site=None):
        return self.domain

    def entries(self, page) -> list[tuple[str, object]]:
        """(address, lastmod or None) of one file's items."""
        return [(url["location"], url["lastmod"]) for url in self.get_urls(page=page, protocol=self.protocol)]

    def address_of(self, url_name: str):
        """slug -> the address of `url_name`'s page for it, with reverse() called once: the pattern's address with
        the slug quoted as reverse() quotes it (a reverse() an address took most of a file's time)."""
        prefix, suffix = reverse(url_name, kwargs={"slug": "SLUG"}).rsplit("SLUG", 1)
        base = f"{self.protocol}://{self.domain}{prefix}"
        safe = RFC3986_SUBDELIMS + "/~:@"
        return lambda slug: f"{base}{quote(slug, safe=safe)}{suffix}"


class ArticleSitemap(PublicSitemap):
    count_name = "articles"  # the home list's rows
    ids_first = False  # slugs and dates are in article_listed_idx: a deep file's OFFSET reads only the index

    def items(self):
        # The lists' order, which article_listed_idx gives with the ids: a deep file costs what the first does.
        # Rows, not models: a thousand Article instances and reverse() calls took 0.1 s.
        return Article.objects.published().newest_first().values_list("slug", "published_at", "updated_at", named=True)

    def lastmod(self, article):
        return seo.date_modified(article)

    def entries(self, page) -> list[tuple[str, object]]:
        address = self.address_of("articles:detail")
        return [(address(row.slug), self.lastmod(row)) for row in self.paginator.page(page)]


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
    """Topics and tags with a public article, without lastmod (optional in the protocol): the newest change
    among a tag's articles means reading each of them, seconds for 300 tags at 100,000 articles."""

    model: type[Topic] | type[Tag]

    @property
    def count_name(self) -> str:
        return f"public {self.model._meta.model_name}s"

    def items(self):
        return self.model.objects.public().order_by("pk").values_list("slug", flat=True)

    def entries(self, page) -> list[tuple[str, object]]:
        address = self.address_of(self.model.url_name)
        return [(address(slug), None) for slug in self.paginator.page(page)]


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
    if section is None and any(s.paginator.num_pages > 1 for s in sitemaps.values()):
        return sitemap_index(request, sitemaps)
    if section is not None and section not in sitemaps:
        raise Http404(f"No sitemap section {section!r}")
    return urlset(request, [sitemaps[section]] if section else sitemaps.values())


@sitemap_views.x_robots_tag
def urlset(request, sitemaps) -> HttpResponse:
    """Django's sitemap view without its template: drawing 1,000 addresses through it took most of 0.1 s. The same
    XML, and the same Last-Modified (the newest lastmod, when every address has one)."""
    page, entries = request.GET.get("p", 1), []
    for site in sitemaps:
        try:
            entries += site.entries(page)
        except (EmptyPage, PageNotAnInteger) as exc:
            raise Http404(f"No page {page!r}") from exc
    lines, zone = [], timezone.get_current_timezone()  # once: localtime() looks the zone up for every address
    for location, lastmod in entries:
        day = f"<lastmod>{lastmod.astimezone(zone).date().isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(location)}</loc>{day}</url>")
    lastmods = [lastmod for _, lastmod in entries]
    headers = {"Last-Modified": http_date(max(lastmods).timestamp())} if lastmods and all(lastmods) else {}
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(lines)
        + "\n</urlset>\n"
    )
    return HttpResponse(body, content_type="application/xml", headers=headers)


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
