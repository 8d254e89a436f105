"""The SEO checklist editors see on each article (what WordPress needs the Yoast plugin for).

Computed from the saved article, plus a few facts about the other articles (duplicate titles and
descriptions, which linked articles are public, how many tags) that `Context.for_articles()` loads
in four queries for a whole change-list page, so no row costs a query of its own.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import batched
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.models import Count
from django.urls import Resolver404, resolve

from images.alt_text import images_without_alt_in_html

from .models import Article, duplicate_key
from .reading import word_count

TITLE_MAX = 60
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 160
MIN_WORDS = 300
SUBHEADING_AFTER_WORDS = 600
CHUNK = 500

_HREF_RE = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')
_SUBHEADING_RE = re.compile(r"<h[2-6]\b")


@dataclass(frozen=True)
class Issue:
    code: str
    message: str  # what is wrong and how to fix it


def _own_description(article: Article) -> str:
    """What the editor wrote for search engines: the meta description, else the summary."""
    return article.meta_description or article.summary


def linked_article_slugs(body_html: str) -> set[str]:
    """Slugs of our own articles the body links to (relative addresses, or absolute ones on SITE_URL)."""
    own_host = urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else ""
    slugs = set()
    for href in _HREF_RE.findall(body_html):
        parts = urlsplit(href.replace("&amp;", "&"))
        if parts.scheme not in {"", "http", "https"} or (parts.netloc and parts.netloc != own_host):
            continue
        if not parts.path.startswith("/"):
            continue
        try:
            match = resolve(unquote(parts.path))
        except Resolver404:
            continue
        if match.view_name == "articles:detail":
            slugs.add(match.kwargs["slug"])
    return slugs


@dataclass
class Context:
    """Facts about other articles the rules need, loaded once for a set of articles."""

    # How many articles have each title or description (by duplicate_key), for the keys the rules will ask about.
    titles: Counter = field(default_factory=Counter)
    descriptions: Counter = field(default_factory=Counter)
    public_slugs: set[str] = field(default_factory=set)
    tag_counts: dict[int, int] = field(default_factory=dict)
    # Each article's linked slugs (by pk), found once: resolving each link is most of a row's checklist.
    links: dict[int, set[str]] = field(default_factory=dict)

    @classmethod
    def for_articles(cls, articles: Iterable[Article], *, totals: "Context | None" = None) -> "Context":
        """`totals`: a context already holding the duplicated titles and descriptions of every article, to reuse."""
        articles = list(articles)
        context = cls()
        if totals is not None:
            context.titles, context.descriptions = totals.titles, totals.descriptions
        else:
            # Counted by the indexed keys of these articles only: a change-list page costs the same at 100,000.
            context.titles = _counts("title_key", {duplicate_key(a.title) for a in articles})
            context.descriptions = _counts("description_key", {duplicate_key(_own_description(a)) for a in articles})
        context.links = {a.pk: linked_article_slugs(a.body_html) for a in articles}
        linked = set().union(*context.links.values())
        if linked:
            context.public_slugs = set(
                Article.objects.published().filter(slug__in=linked).values_list("slug", flat=True)
            )
        ids = [a.pk for a in articles]
        context.tag_counts = dict(
            Article.tags.through.objects.filter(article_id__in=ids)
            .values("article_id")
            .annotate(n=Count("tag_id"))
            .values_list("article_id", "n")
        )
        return context

    @classmethod
    def duplicates(cls) -> "Context":
        """Every title and description more than one article has (the checklist filter's whole-table pass)."""
        context = cls()
        context.titles = _counts("title_key")
        context.descriptions = _counts("description_key")
        return context


def _counts(column: str, keys: set[str] | None = None) -> Counter:
    """How many articles have each of `keys` (every duplicated key when None) in `column`."""
    rows = Article.objects.exclude(**{column: ""})
    if keys is not None:
        rows = rows.filter(**{f"{column}__in": keys - {""}})
    counted = rows.values(column).annotate(n=Count("pk"))
    if keys is None:
        counted = counted.filter(n__gt=1)
    return Counter(dict(counted.values_list(column, "n")))


def check(article: Article, context: Context) -> list[Issue]:
    """Everything on the checklist this saved article does not meet, each with how to fix it."""
    issues = []
    title_length = len(article.title)
    if title_length > TITLE_MAX:
        issues.append(Issue("title-long", f"The title is {title_length} characters; search results show about "
                                          f"{TITLE_MAX}. Shorten it, keeping the key words first."))  # fmt: skip
    description = _own_description(article)
    if not description:
        issues.append(Issue("description-missing", "No meta description: search engines will quote the start of "
                            f"the body. Write {DESCRIPTION_MIN}–{DESCRIPTION_MAX} characters under “Search engines”, "
                            "or a summary."))  # fmt: skip
    elif not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
        issues.append(Issue("description-length", f"The meta description is {len(description)} characters; aim "
                            f"for {DESCRIPTION_MIN}–{DESCRIPTION_MAX} so search results show it whole."))  # fmt: skip
    if context.titles[duplicate_key(article.title)] > 1:
        issues.append(Issue("title-duplicate", "Another article has the same title: make each one distinct, "
                                               "so search engines and readers can tell them apart."))  # fmt: skip
    if description and context.descriptions[duplicate_key(description)] > 1:
        issues.append(Issue("description-duplicate", "Another article has the same meta description: "
                                                     "describe what this one alone says."))  # fmt: skip
    missing_alt = len(images_without_alt_in_html(article.body_html))
    if missing_alt:
        issues.append(Issue("image-alt", f"{missing_alt} image(s) have no alternative text: describe each one "
                            "between the brackets, ![A therapist's office](…), for screen readers and "
                            "image search."))  # fmt: skip
    links = context.links.get(article.pk) if article.pk is not None else None
    broken = sorted((linked_article_slugs(article.body_html) if links is None else links) - context.public_slugs)
    if broken:
        issues.append(Issue("link-not-public", "Links to articles that do not exist or are not public: "
                            f"{', '.join(broken)}. Publish them, or fix or remove the links."))  # fmt: skip
    words = word_count(article.body_html)
    if words < MIN_WORDS:
        issues.append(Issue("words-few", f"The body has {words} words; articles under {MIN_WORDS} rarely rank. "
                                         "Say more, or merge it into a related article."))  # fmt: skip
    if article.topic_id is None:
        issues.append(Issue("topic-missing", "No topic: choose one under “Publishing”, so the article is listed "
                                             "with its neighbours."))  # fmt: skip
    if not context.tag_counts.get(article.pk):
        issues.append(Issue("tags-missing", "No tags: add a few under “Publishing”, so related articles and "
                                            "tag pages find it."))  # fmt: skip
    if words > SUBHEADING_AFTER_WORDS and not _SUBHEADING_RE.search(article.body_html):
        issues.append(Issue("subheading-missing", f"{words} words without a subheading: break the text up with "
                            "“## ” headings, which also make its table of contents."))  # fmt: skip
    return issues


def needs_attention_ids(queryset) -> list[int]:
    """Ids of the articles in `queryset` with at least one checklist item (the change list's filter)."""
    ids, totals = [], Context.duplicates()
    articles = queryset.order_by("pk").only(
        "pk", "title", "meta_description", "summary", "body", "body_html", "topic_id"
    )
    for chunk in batched(articles.iterator(chunk_size=CHUNK), CHUNK):
        context = Context.for_articles(chunk, totals=totals)
        ids += [article.pk for article in chunk if check(article, context)]
    return ids
