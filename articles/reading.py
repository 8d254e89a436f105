"""What a reader gets around an article: reading time, contents, previous and next, related articles.

Everything comes from public articles only (Article.objects.published()) and takes a fixed number
of queries whatever the article: none for reading time and contents (the stored HTML), previous and
next in the article's own query (with_neighbours), one for related. articles/around.py stores what they
draw between changes.
"""

import functools
import math
import operator
import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, Count, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from .models import Article
from .text import strip_tags

WORDS_PER_MINUTE = 230  # adult silent reading of non-fiction, Brysbaert (2019)
TOC_MIN_HEADINGS = 3
RELATED_COUNT = 3
_HEADING_RE = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def word_count(body_html: str) -> int:
    return len(strip_tags(_TAG_RE.sub(" ", body_html)).split())


def reading_minutes(body_html: str) -> int:
    """Whole minutes to read, at least one."""
    return max(1, math.ceil(word_count(body_html) / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Heading:
    level: int  # 2 or 3
    id: str
    text: str


def table_of_contents(body_html: str) -> list[Heading]:
    """The body's second- and third-level headings, by the ids the renderer gave them; empty under three."""
    headings = [
        Heading(int(level), anchor, strip_tags(inner))
        for level, anchor, inner in _HEADING_RE.findall(body_html)
        if strip_tags(inner)
    ]
    return headings if len(headings) >= TOC_MIN_HEADINGS else []


def _older_and_newer(at, pk):
    # Older: public at `at` (so public now), which bounds the index range by the article's own time, not
    # by now: an old article's older neighbour is then one index step away, not a scan of every newer one.
    older = Article.objects.published(now=at).exclude(published_at=at, pk__gte=pk).order_by("-published_at", "-pk")
    # Newer: a range on published_at up to now (which the index serves), then the ties after this article.
    newer = Article.objects.published().filter(published_at__gte=at).exclude(published_at=at, pk__lte=pk)
    return older, newer.order_by("published_at", "pk")


def with_neighbours(queryset):
    """The articles with their previous and next public article's title and slug, in the same query."""
    older, newer = _older_and_newer(OuterRef("published_at"), OuterRef("pk"))
    return queryset.annotate(
        **{
            f"{side}_{field}": Subquery(around.values(field)[:1])
            for side, around in (("previous", older), ("next", newer))
            for field in ("title", "slug")
        }
    )


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The public articles published just before and just after this one (same order as the lists)."""
    if not article.is_public:
        return None, None
    if hasattr(article, "previous_slug"):  # loaded through with_neighbours: no query
        return tuple(
            Article(title=getattr(article, f"{side}_title"), slug=slug)
            if (slug := getattr(article, f"{side}_slug"))
            else None
            for side in ("previous", "next")
        )
    older, newer = _older_and_newer(article.published_at, article.pk)
    return older.only("title", "slug").first(), newer.only("title", "slug").first()


def related(article: Article, tag_ids: list[int], count: int = RELATED_COUNT) -> list[Article]:
    """Public articles sharing most tags and the topic with this one, then the most recent."""
    others = Article.objects.published().exclude(pk=article.pk)
    through = Article.tags.through.objects
    # Scored: the articles sharing a tag, and the newest `count` of the topic and of all. Any other
    # article of the topic (or of none) ranks below those newest ones; scoring every article of the topic
    # as well read thousands more rows at 100,000 articles.
    newest = others.newest_first().values("pk")
    parts, score = [newest[:count]], Value(0)
    if tag_ids:
        parts.append(through.filter(tag_id__in=tag_ids).values("article_id"))
        shared = through.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids).values("article_id")
        score = Coalesce(Subquery(shared.annotate(n=Count("pk")).values("n")), 0)
    if article.topic_id is not None:
        parts.append(newest.filter(topic_id=article.topic_id)[:count])
        score = score + Case(When(topic_id=article.topic_id, then=Value(1)), default=Value(0))
    if connections[others.db].features.supports_slicing_ordering_in_compound:
        candidates = Q(pk__in=parts[0].union(*parts[1:]))  # PostgreSQL: ORed IN lists scan every article
    else:  # SQLite allows no LIMIT in a UNION's parts, and looks each ORed IN list up by primary key
        candidates = functools.reduce(operator.or_, (Q(pk__in=part) for part in parts))
    return list(
        others.filter(candidates)
        .only("title", "slug", "published_at", "excerpt", "topic_id")
        .annotate(shared=ExpressionWrapper(score, output_field=IntegerField()))
        .order_by("-shared", "-published_at", "-pk")[:count]
    )
