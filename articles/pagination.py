"""Deep pages of the public lists at the cost of the first: a page's ids first, then only its rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class IdsFirstPaginator(Paginator):
    """OFFSET over whole rows reads every skipped article, bodies and all (page 500 skips 4,990 of them);
    over the ids alone it walks index entries (article_listed_idx, article_topic_listed_idx hold the id)."""

    # Up to this many skipped rows, one query is cheaper than two (the first pages, the most read).
    direct_offset = 200

    def page(self, number):
        number = self.validate_number(number)
        if (number - 1) * self.per_page <= self.direct_offset:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(list(self.object_list.filter(pk__in=ids)), number, self)


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
