"""Full-text search over public articles. `search(text)` is the one entry point, whichever database runs.

The text searched lives in SearchEntry (one row an article: title, summary, topic and tags, body as
plain text), kept in step by `index_articles()` (signals, QuerySet.update, the import runner, and
`manage.py rebuild_search_index`).

- SQLite: an FTS5 table over SearchEntry, filled by triggers (migration 0011), tokenised with the
  porter stemmer over unicode61 with accents folded. Porter rather than trigram: readers type whole
  words and expect other forms of them to match ("therapists" finds "therapist", as PostgreSQL's
  English stemming does); trigram matches substrings but not word forms, ignores words under three
  characters and makes an index about three times the text.
- PostgreSQL: SearchEntry.vector, a weighted tsvector (title A, summary and topic/tags B, body C)
  with a GIN index; SearchHeadline cuts the snippets.

Whether an article may be found is decided when searching, by joining to Article.objects.published():
publishing, scheduling and unpublishing need no re-index. Results are ordered as GROUPS says, not scored.
The query is never the reader's raw text: it is rebuilt from the words in it, each quoted by us, so operators,
quotes and brackets are only text.
"""

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import batched

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.db import connection, transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import seo
from .text import strip_tags

FTS_TABLE = "articles_search_fts"
PG_CONFIG = "articles_english"  # English stemming with accents folded (migration 0011)
# Words a query keeps, and their length: enough for any real question, bounded for 10,000-character input.
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
# Snippet highlight markers: private-use characters, removed from indexed text, so only ours exist.
_START, _STOP = "\ue000", "\ue001"
_MARKERS = str.maketrans("", "", _START + _STOP)
_HIGHLIGHT_RE = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
_WORD_RE = re.compile(r"\w+")
SNIPPET_WORDS = 30
# The order of results, WordPress's: articles with every word in the title, then in the title, summary, topic or
# tags, then anywhere; newest first within each. Each group is read in the index's own order and stops at its
# limit, so a common word (most of 100,000 articles) costs what a rare one does: scoring matches (bm25, ts_rank)
# means reading every match, and a sort of them all, hundreds of milliseconds for a common word.
GROUPS = (("title", 100), ("title summary tags", 100), ("", 300))

CHUNK = 500


def weighted_vector():
    return (
        SearchVector("title", weight="A", config=PG_CONFIG)
        + SearchVector("summary", "tags", weight="B", config=PG_CONFIG)
        + SearchVector("body", weight="C", config=PG_CONFIG)
    )


# -- keeping the index in step


_state = threading.local()


@contextmanager
def deferred():
    """Collect the articles to index and index them together, at flush() or at the end (bulk imports)."""
    outer = getattr(_state, "pending", None)
    if outer is not None:  # already deferring: the outer block indexes
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    # Not after an exception: the unflushed articles went with the transaction that failed.
    index_articles(pending)


def flush() -> None:
    """Index what deferred() has collected so far (before a batch of an import commits)."""
    pending = getattr(_state, "pending", None)
    if pending:
        ids = list(pending)
        pending.clear()
        _index_now(ids)


def index_articles(ids) -> None:
    """Bring the search entries of these articles up to date (deleted articles lose theirs)."""
    ids = set(ids)
    if not ids:
        return
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(ids)
        return
    _index_now(list(ids))


def rebuild() -> int:
    """Index every article again; returns how many there are."""
    from . import page_invalidation
    from .models import Article, SearchEntry

    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    with transaction.atomic():
        SearchEntry.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
        _index_now(ids)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        page_invalidation.invalidate(lists=True)  # stored search pages may have read the index being repaired
    return len(ids)


def _index_now(ids: list[int], article_model=None, entry_model=None) -> None:
    if article_model is None:
        from .models import Article as article_model
        from .models import SearchEntry as entry_model
    with transaction.atomic():
        for chunk in batched(sorted(ids), CHUNK):
            articles = (
                article_model.objects.filter(pk__in=chunk)
                .select_related("topic")
                .prefetch_related("tags")
                .only("pk", "title", "excerpt", "body_html", "topic__name")
            )
            entries = [
                entry_model(
                    article_id=article.pk,
                    title=_clean(article.title),
                    summary=_clean(article.excerpt),
                    tags=_clean(" ".join(_term_names(article))),
                    # A space before each tag, so "</td><td>" or "<br>" still separate words.
                    body=_clean(strip_tags(article.body_html.replace("<", " <"))),
                )
                for article in articles
            ]
            entry_model.objects.filter(article_id__in=chunk).delete()
            entry_model.objects.bulk_create(entries)
            if connection.vendor == "postgresql":
                entry_model.objects.filter(article_id__in=chunk).update(vector=weighted_vector())


def _term_names(article) -> list[str]:
    return ([article.topic.name] if article.topic else []) + [tag.name for tag in article.tags.all()]


def _clean(text: str) -> str:
    return " ".join(text.translate(_MARKERS).split())


# -- searching


def terms(text: str) -> list[str]:
    """The words of a reader's query, bounded in number and length: the only part of it we use."""
    return [word[:MAX_TERM_LENGTH] for word in _WORD_RE.findall(text[: MAX_TERMS * (MAX_TERM_LENGTH + 20)])][:MAX_TERMS]


@dataclass
class Hit:
    article: object
    snippet: SafeString

    @property
    def published_iso(self) -> str:
        return seo.iso_datetime(self.article.published_at)


class Results:
    """Matching public articles, best first (see GROUPS), loaded a page at a time (a Paginator's object_list)."""

    def __init__(self, words: list[str]):
        self.words = words
        self._ranked = None

    def _rank(self) -> tuple[list[int], bool]:
        if self._ranked is None:
            self._ranked = _backend().ranked(self.words) if self.words else ([], False)
        return self._ranked

    @property
    def capped(self) -> bool:
        """Whether more articles match than are listed (the page says "300+ results")."""
        return self._rank()[1]

    def count(self) -> int:
        return len(self._rank()[0])

    def __len__(self):
        return self.count()

    def __getitem__(self, item: slice) -> list[Hit]:
        if not isinstance(item, slice):
            raise TypeError("Results are read a page at a time.")
        ids = self._rank()[0][item]
        return _backend().hits(self.words, ids) if ids else []


def search(text: str) -> Results:
    """Public articles matching every word of `text`, best first. Never raises for any input."""
    return Results(terms(text or ""))


def filter_all_articles(queryset, text: str):
    """`queryset` (of Article) narrowed to the articles, drafts and trashed ones too, with every word of `text`:
    the admin's search. A LIKE over the bodies reads the whole table (seconds at 100,000 articles)."""
    from .models import SearchEntry

    words = terms(text or "")
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.filter(pk__in=SearchEntry.objects.filter(vector=_PostgreSQL.query(words)).values("article_id"))
    # "+id": the matches filter the rows SQLite reads in the change list's index order; without the +, it
    # reads every match's row (bodies and all) to sort them, most of a second for a common word.
    table = queryset.model._meta.db_table
    matching = f'+"{table}"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'
    return queryset.filter(RawSQL(matching, [_SQLite.match(words)], output_field=BooleanField()))


def highlight(raw: str) -> SafeString:
    """Escape a snippet and turn our markers, only ours, into <mark>."""
    marked = _HIGHLIGHT_RE.sub(lambda m: f"{_START}{m.group(1).translate(_MARKERS)}{_STOP}", raw)
    pieces = re.split(f"([{_START}{_STOP}])", marked)
    out, inside = [], False
    for piece in pieces:
        if piece == _START:
            out.append("<mark>")
            inside = True
        elif piece == _STOP:
            out.append("</mark>")
            inside = False
        else:
            out.append(escape(piece))
    if inside:
        out.append("</mark>")
    return mark_safe("".join(out))


def _public_articles():
    from .models import Article

    return Article.objects.published()


class _SQLite:
    @staticmethod
    def match(words: list[str], column: str = "") -> str:
        # Every word as an FTS5 string ("..." with " doubled): NEAR, AND, *, - and brackets are only text.
        quoted = " ".join('"{}"'.format(word.replace('"', '""')) for word in words)
        return f"{column} : ({quoted})" if column else quoted

    def ranked(self, words) -> tuple[list[int], bool]:
        # Each group: FTS5 walks its index from the highest rowid, each match's article checked by its key (not
        # a list of every public id), and stops at the group's limit. One query for the groups.
        public = _public_articles().filter(pk=RawSQL(f"{FTS_TABLE}.rowid", ())).values("pk")
        public_sql, public_params = public.query.sql_with_params()
        selects, params = [], []
        for group, (columns, limit) in enumerate(GROUPS):
            selects.append(
                f"SELECT * FROM (SELECT {group}, rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
                f"AND EXISTS ({public_sql}) ORDER BY rowid DESC LIMIT {int(limit)})"
            )
            params += [self.match(words, f"{{{columns}}}" if columns else ""), *public_params]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            return _in_groups(cursor.fetchall())

    def hits(self, words, ids: list[int]) -> list[Hit]:
        with connection.cursor() as cursor:
            # Snippets for this page only: cutting one costs as much as ranking a hundred matches.
            cursor.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, 3, %s, %s, '…', {SNIPPET_WORDS}) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [_START, _STOP, self.match(words), *ids],
            )
            snippets = dict(cursor.fetchall())
        articles = _public_articles().select_related("topic").in_bulk(ids)
        return [Hit(articles[pk], highlight(snippets.get(pk, ""))) for pk in ids if pk in articles]


class _PostgreSQL:
    # GROUPS' parts as the vector's weights: title A; summary, topic and tags B.
    WEIGHTS = {"title": "A", "title summary tags": "AB", "": ""}
    WINDOW = 1000

    @classmethod
    def query(cls, words: list[str], weights: str = "") -> SearchQuery:
        if not weights:  # plainto_tsquery of our own words: every word must match, nothing is an operator.
            return SearchQuery(" ".join(words), search_type="plain", config=PG_CONFIG)
        return SearchQuery(cls.every_word_in(words, weights), search_type="raw", config=PG_CONFIG)

    @staticmethod
    def every_word_in(words: list[str], weights: str) -> str:
        r"""A to_tsquery of every word in the parts of these weights. The words are \w+ only, each quoted: no
        operator can get in."""
        return " & ".join(f"'{word}':{weights}" for word in words)

    def matching(self, words, weights: str = ""):
        return _public_articles().filter(search_entry__vector=self.query(words, weights))

    def ranked(self, words) -> tuple[list[int], bool]:
        # The weights are in each row's vector, not in the GIN index: a group of title matches is found by reading
        # vectors newest first until it is full, the whole table when no title has the words (a second, for
        # "topic 26"). So the groups are drawn from the newest WINDOW matches, read once (the index finds a rare
        # word's; a common word's are the first rows walked), and each group filters those.
        newest = self.matching(words).order_by("-pk").annotate(v=F("search_entry__vector")).values_list("pk", "v")
        sql, params = newest[: self.WINDOW].query.sql_with_params()
        selects = []
        for group, (columns, limit) in enumerate(GROUPS):
            weights = self.WEIGHTS[columns]
            where = "TRUE"
            if weights:
                where = "v @@ to_tsquery(%s::regconfig, %s)"
                params = (*params, PG_CONFIG, self.every_word_in(words, weights))
            selects.append(f"(SELECT {group}, pk FROM newest WHERE {where} ORDER BY pk DESC LIMIT {int(limit)})")
        with connection.cursor() as cursor:
            cursor.execute(f"WITH newest AS MATERIALIZED ({sql}) " + " UNION ALL ".join(selects), params)
            return _in_groups(cursor.fetchall())

    def hits(self, words, ids: list[int]) -> list[Hit]:
        # Snippets for this page only: cut for every match, they take seconds for a common word.
        articles = (
            _public_articles()
            .filter(pk__in=ids)
            .select_related("topic")
            .annotate(
                raw_snippet=SearchHeadline(
                    "search_entry__body",
                    self.query(words),
                    config=PG_CONFIG,
                    start_sel=_START,
                    stop_sel=_STOP,
                    max_words=SNIPPET_WORDS,
                    min_words=SNIPPET_WORDS // 2,
                ),
            )
            .in_bulk()
        )
        return [Hit(articles[pk], highlight(articles[pk].raw_snippet)) for pk in ids if pk in articles]


def _in_groups(rows) -> tuple[list[int], bool]:
    """(group, id) rows, each group newest first: the ids in GROUPS' order, each once; and whether the last group
    (every match) stopped at its limit, when more articles match than are listed."""
    ranked, last = {}, 0
    for group, pk in sorted(rows, key=lambda row: (row[0], -row[1])):
        ranked.setdefault(pk, None)
        last += group == len(GROUPS) - 1
    return list(ranked), last >= GROUPS[-1][1]


def _backend():
    return _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()


# -- signals: every save, delete, tag change and term rename re-indexes what it touched


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from .models import Article, Tag, Topic

    post_save.connect(_article_saved, sender=Article, dispatch_uid="search_article_saved")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="search_tags_changed")
    for model in (Topic, Tag):
        post_save.connect(_term_saved, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
        pre_delete.connect(_term_deleting, sender=model, dispatch_uid=f"search_{model.__name__}_deleting")
        post_delete.connect(_term_deleted, sender=model, dispatch_uid=f"search_{model.__name__}_deleted")


def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_articles([instance.pk])


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:  # a tag losing all its articles: remember which
        instance._search_article_ids = list(instance.articles.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove", "post_clear"}:
        if not reverse:
            index_articles([instance.pk])
        else:
            index_articles(pk_set if pk_set is not None else getattr(instance, "_search_article_ids", []))


def _articles_of(term) -> list[int]:
    from .models import Article

    return list(Article.objects.filter(**{term.article_lookup: term}).values_list("pk", flat=True))


def _term_saved(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):  # a renamed term: its articles' entries carry the old name
        index_articles(_articles_of(instance))


def _term_deleting(sender, instance, **kwargs):
    instance._search_article_ids = _articles_of(instance)


def _term_deleted(sender, instance, **kwargs):
    index_articles(getattr(instance, "_search_article_ids", []))
