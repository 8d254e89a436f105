"""RSS 2.0 and Atom feeds of the latest public articles: the whole site, and one topic or tag.

Each entry carries the full sanitised HTML (RSS content:encoded, Atom <content>), the excerpt as its
summary, the author's name (never an e-mail address), topic and tags as categories, a tag: URI that
survives a change of slug or title, and its updated date.
"""

import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from . import seo
from .models import Article, Tag, Topic
from .pagination import public_term_or_404

FEED_LENGTH = 20
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


class WrittenOnce:
    """The feed drawn into a string and handed to the response in one write: written straight into the response,
    each of its thousand pieces went through an encoder and the response's own write (a sixth of the feed)."""

    def write(self, outfile, encoding):
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue())


class RssWithContent(WrittenOnce, Rss201rev2Feed):
    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(WrittenOnce, Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass
class FeedSource:
    """What one request's feed is about: the request (for absolute addresses) and the topic or tag, if any."""

    request: object
    term: Topic | Tag | None = None

    def url(self, path: str) -> str:
        return seo.absolute_url(self.request, path)


class LatestArticlesFeed(Feed):
    feed_type = RssWithContent

    def get_object(self, request, *args, **kwargs):
        return FeedSource(request)

    def articles(self, source: FeedSource):
        return Article.objects.published()

    def items(self, source: FeedSource):
        articles = list(self.articles(source).newest_first().select_related("topic", "author")[:FEED_LENGTH])
        tag_names = _tag_names([article.pk for article in articles])
        home = source.url("/")
        for article in articles:  # absolute addresses need the request, which item_* methods do not get
            article.feed_tags = tag_names.get(article.pk, [])
            article.feed_url = source.url(article.get_absolute_url())
            article.feed_id = _tag_uri(home, article)
            article.feed_content = _absolute_links(article.body_html, home)
        return articles

    def title(self, source: FeedSource) -> str:
        return seo.site_name()

    def link(self, source: FeedSource) -> str:
        return source.url(reverse("articles:list"))

    def feed_url(self, source: FeedSource) -> str:
        return source.url(source.request.path)

    def subtitle(self, source: FeedSource) -> str:  # Atom: text
        return seo.short_description(seo.site_description())

    def description(self, source: FeedSource) -> str:  # RSS: read as HTML by many readers, so escaped
        return escape(self.subtitle(source))

    def author_name(self, source: FeedSource) -> str:
        # The feed's author stands for entries without one (Atom requires an author for each entry).
        return seo.site_name()

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # RSS <description> and Atom <summary type="html"> are read as HTML: the plain-text excerpt is
        # escaped, so a reader shows "<script>" in a summary as text instead of running it.
        return escape(article.excerpt)

    def item_link(self, article):
        return article.feed_url

    def item_guid(self, article):
        return article.feed_id

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return seo.date_modified(article)

    def item_author_name(self, article):
        return seo.author_name(article) or None

    def item_categories(self, article):
        return ([article.topic.name] if article.topic else []) + article.feed_tags

    def item_extra_kwargs(self, article):
        return {"content": article.feed_content}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomWithContent


class TermFeed(LatestArticlesFeed):
    """The latest public articles of one topic or tag; 404 when it has none, like its page."""

    term_model: type[Topic] | type[Tag]
    title_format: str

    def get_object(self, request, slug):
        return FeedSource(request, public_term_or_404(self.term_model, slug))

    def articles(self, source: FeedSource):
        return super().articles(source).of_term(source.term)

    def title(self, source: FeedSource) -> str:
        return f"{self.title_format.format(name=source.term.name)} · {seo.site_name()}"

    def link(self, source: FeedSource) -> str:
        return source.url(source.term.get_absolute_url())

    def subtitle(self, source: FeedSource) -> str:
        return seo.from_site(self.title_format.format(name=source.term.name))


class TopicFeed(TermFeed):
    term_model = Topic
    title_format = "Articles about {name}"


class TagFeed(TermFeed):
    term_model = Tag
    title_format = "Articles tagged {name}"


_SITE_PATH_RE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def _absolute_links(body_html: str, home_url: str) -> str:
    """Links and images of our own (/articles/…, /media/…) as full addresses: a feed is read far from the site."""
    return _SITE_PATH_RE.sub(lambda m: f"{m.group(1)}{home_url.rstrip('/')}/", body_html)


def _tag_names(article_ids: list[int]) -> dict[int, list[str]]:
    """article id -> its tags' names, in the tags' order, from one plain query: prefetch_related's machinery cost
    a fifth of the feed."""
    names: dict[int, list[str]] = {}
    rows = Tag.objects.filter(articles__in=article_ids).values_list("articles", "name")
    for article_id, name in rows:
        names.setdefault(article_id, []).append(name)
    return names


def _tag_uri(home_url: str, article) -> str:
    """tag:example.org,2026-03-01:article/42 (RFC 4151): from the host, creation date and id, so it never changes."""
    host = urlsplit(home_url).hostname or "localhost"
    return f"tag:{host},{article.created_at:%Y-%m-%d}:article/{article.pk}"
