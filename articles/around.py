"""What an article page shows around the article: its tags, reading time, contents, previous/next and related
links.

Drawn once per version of what it shows (the page cache's `site` and `article:<slug>` versions,
articles/page_cache.py, kept whether the page cache is on or off) and stored in the default cache: with
the page cache off, an article page then costs its own article's query and template, not the queries for
its tags, neighbours and related articles. Whatever forgets one of those versions (articles/page_invalidation.py:
a change to this article or its tags, to any public article, or to any tag or topic) makes the next request
draw them again. Only public articles' aids are stored; a preview draws its own, without links.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import get_script_prefix

from . import page_cache, reading
from .models import Article


class Lookup:
    """The stored aids of the article at `slug`, read before the article's query (which then needs no
    neighbours when they are found)."""

    def __init__(self, slug: str):
        tags = [page_cache.SITE, page_cache.article_tag(slug)]
        # And the script prefix: the links start with it, and gunicorn lets a request set it (SCRIPT_NAME header).
        self.key = page_cache.versioned_key("around", [page_cache.build(), get_script_prefix(), slug], tags)
        self.found = cache.get(self.key)

    def aids(self, article: Article, load_tags: Callable[[], list]) -> dict:
        if not article.is_public:
            return draw(article, load_tags())
        if self.found is None:
            self.found = draw(article, load_tags())
            cache.set(self.key, self.found, settings.PAGE_CACHE_SECONDS)
        return self.found


def draw(article: Article, tags: list) -> dict:
    """The context the article template shows around the article; links only around a public article."""
    aids = {
        "tags": tags,
        "reading_minutes": reading.reading_minutes(article.body_html),
        "toc": reading.table_of_contents(article.body_html),
        "around_html": "",
    }
    if article.is_public:
        previous, next_ = reading.neighbours(article)
        related = reading.related(article, [tag.pk for tag in tags])
        context = {"previous_article": previous, "next_article": next_, "related_articles": related}
        aids["around_html"] = render_to_string("articles/_around.html", context)
    return aids
