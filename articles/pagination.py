"""Deep pages of the public lists at the cost of the first: a page's ids first, then only its rows. Public counts
kept per version of the site."""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from . import page_cache
from .models import Article


def public_count(name: str, queryset) -> int:
    """`queryset.count()` of public things (articles, terms), kept in the default cache per version of the page
    cache's `site`, which every change to what is public forgets, and which ends by itself at the next scheduled
    publication (articles/page_invalidation.py): counting 80,000 public articles took 7-22 ms a list page.
    `name` says what is counted (the same name, the same rows)."""
    key = page_cache.versioned_key("count", [name], [page_cache.SITE])
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, settings.PAGE_CACHE_SECONDS)
    return count


def term_count_name(term) -> str:
    """The stored count's name for a topic's or tag's public articles (its page's paginator counts the same)."""
    return f"articles of {term._meta.model_name} {term.pk}"


def public_term_or_404(term_model, slug: str):
    """The topic or tag at `slug` if it has a public article (TermQuerySet.public()'s rule), else 404: answered by
    the stored count its page and feed read anyway, where the EXISTS cost 2 ms of a PostgreSQL tag page."""
    term = get_object_or_404(term_model, slug=slug)
    if not public_count(term_count_name(term), Article.objects.published().of_term(term, from_the_top=False)):
        raise Http404(f"No public articles of {term_model._meta.verbose_name} {term.slug}.")
    return term


class IdsFirstPaginator(Paginator):
    """OFFSET over whole rows reads every skipped article, bodies and all (page 500 skips 4,990 of them);
    over the ids alone it walks index entries (article_listed_idx, article_topic_listed_idx hold the id).
    With `count_name`, the count is public_count()'s; `ids_first=False` when the rows are in the index; `sparse` when
    the rows are a thin share of the index they are read in (a tag's: PostgreSQL fetched 2,100 whole articles to
    find a first page of 10), so even the first pages look for the ids first; `whole`, the same rows as a query
    cheaper to read all of (or deep into), for the count and deep pages' ids."""

    # Up to this many skipped rows, one query is cheaper than two (the first pages, the most read).
    direct_offset = 200

    def __init__(
        self,
        object_list,
        per_page,
        orphans=0,
        allow_empty_first_page=True,
        *,
        count_name: str = "",
        ids_first=True,
        sparse=False,
        whole=None,
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.count_name = count_name
        self.whole = object_list if whole is None else whole
        self.sparse = sparse
        if not ids_first:  # the rows themselves are in the index: OFFSET over them walks index entries already
            self.direct_offset = float("inf")

    @cached_property
    def count(self):
        if self.count_name:
            return public_count(self.count_name, self.whole)
        return super().count if self.whole is self.object_list else self.whole.count()

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # A page past the middle is read from the far end, in reverse: an index is walked backwards as cheaply as
        # forwards, so the last sitemap file skips nothing instead of 80,000 entries. The counts here are exact.
        # Not a sparse list: its deep pages cost the same anywhere, and PostgreSQL walked a tag's end in parallel.
        after = self.count - top
        backwards = after < bottom and isinstance(self.object_list, QuerySet) and not self.sparse
        skipped = after if backwards else bottom
        near_an_end = skipped <= self.direct_offset
        if near_an_end and not self.sparse:
            rows = self._slice(self.object_list, bottom, top, backwards)
        else:
            ids_from = self.object_list if near_an_end else self.whole  # the list's own query is made for its top
            ids = self._slice(ids_from.values_list("pk", flat=True), bottom, top, backwards)
            rows = list(self.object_list.filter(pk__in=ids))
        return self._get_page(rows, number, self)

    def _slice(self, rows, bottom: int, top: int, backwards: bool) -> list:
        if not backwards:
            return list(rows[bottom:top])
        return list(rows.reverse()[self.count - top : self.count - bottom])[::-1]


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows (a common word's admin search matches most of 100,000 articles, and counting them
    all took a second on PostgreSQL); `capped` says the count stopped there ("1000+")."""

    cap = 1000

    @cached_property
    def count(self):
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
