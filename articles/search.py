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
  with a GIN index; SearchRank orders and SearchHeadline cuts the snippets.

Whether an article may be found is decided when searching, by joining to Article.objects.published():
publishing, scheduling and unpublishing need no re-index. The query is never the reader's raw text:
it is rebuilt from the words in it, each quoted by us, so operators, quotes and brackets are only text.
"""

import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import batched

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
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
CHUNK = 500
# Column weights for SQLite's bm25(): title, summary, topic and tags, body (as PostgreSQL's A, B, B, C).
_BM25_WEIGHTS = "10.0, 4.0, 4.0, 1.0"


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
    from .models import Article, SearchEntry

    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    with transaction.atomic():
        SearchEntry.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
        _index_now(ids)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
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
    """Matching public articles, best first, loaded a page at a time (a Paginator's object_list)."""

    def __init__(self, words: list[str]):
        self.words = words
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = _backend().count(self.words) if self.words else 0
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, item: slice) -> list[Hit]:
        if not isinstance(item, slice):
            raise TypeError("Results are read a page at a time.")
        start, stop = item.start or 0, item.stop
        if not self.words or (stop is not None and stop <= start):
            return []
        return _backend().page(self.words, start, None if stop is None else stop - start)


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
    def match(words: list[str]) -> str:
        # Every word as an FTS5 string ("..." with " doubled): NEAR, AND, *, - and brackets are only text.
        return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)

    def _where(self, words):
        public_sql, public_params = _public_articles().values("pk").query.sql_with_params()
        # "+rowid": the public ids filter the matches; without the +, SQLite hands the whole list to FTS5
        # as rowid lookups and runs the full-text query once per public article (0.4 s at 10,000).
        return f"{FTS_TABLE} MATCH %s AND +rowid IN ({public_sql})", [self.match(words), *public_params]

    def count(self, words) -> int:
        where, params = self._where(words)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", params)
            return cursor.fetchone()[0]

    def page(self, words, offset: int, limit: int | None) -> list[Hit]:
        where, params = self._where(words)
        ranked = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {where} "
            f"ORDER BY bm25({FTS_TABLE}, {_BM25_WEIGHTS}), rowid DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(ranked, [*params, -1 if limit is None else limit, offset])
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return []
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
    @staticmethod
    def query(words: list[str]) -> SearchQuery:
        # plainto_tsquery of our own words: every word must match, nothing is an operator.
        return SearchQuery(" ".join(words), search_type="plain", config=PG_CONFIG)

    def matching(self, words):
        return _public_articles().filter(search_entry__vector=self.query(words))

    def count(self, words) -> int:
        return self.matching(words).count()

    def page(self, words, offset: int, limit: int | None) -> list[Hit]:
        query = self.query(words)
        ranked = (
            self.matching(words)
            .annotate(rank=SearchRank(F("search_entry__vector"), query))
            .order_by("-rank", "-pk")
            .values_list("pk", flat=True)
        )
        ids = list(ranked[offset:] if limit is None else ranked[offset : offset + limit])
        # Snippets for this page only, as on SQLite: in the ranking query PostgreSQL cuts one for every match
        # before sorting (seconds for a common word at 100,000 articles).
        articles = (
            _public_articles()
            .filter(pk__in=ids)
            .select_related("topic")
            .annotate(
                raw_snippet=SearchHeadline(
                    "search_entry__body",
                    query,
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
