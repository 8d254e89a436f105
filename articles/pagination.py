"""Deep pages of the public lists at the cost of the first: a page's ids first, then only its rows."""

from django.core.paginator import Paginator


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
