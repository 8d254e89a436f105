"""A large realistic site for measuring (manage.py generate_articles): bulk rows, no per-article save.

Bodies are a few hundred to a few thousand words with headings, lists and links, rendered once per
variant by the one renderer (Article.render) and reused; titles and slugs are unique; about 80% are
public, 10% drafts or ready for review, 5% scheduled over the next month, 5% in the trash. Every
article has a topic and one to four tags out of a few hundred, and the search index is rebuilt at the end.
"""

import random
from datetime import timedelta
from itertools import batched

from django.db import connection, transaction
from django.utils import timezone

from . import page_invalidation, search
from .models import Article, Tag, Topic

_WORD_TEXT = (
    "anxiety therapy session couples family grief sleep stress work city calm practice breathing "
    "trust boundaries parenting change habit listening feelings support recovery care patience "
    "balance focus morning evening weekend insurance appointment online office consultation "
    "question answer journal"
)
WORDS = _WORD_TEXT.split()
BATCH = 1000


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _body(rng: random.Random, paragraphs: int) -> str:
    parts = []
    for n in range(paragraphs):
        if n % 4 == 1:
            parts.append(f"## {_sentence(rng, 4)[:-1]}")
        if n % 7 == 3:
            parts.append("\n".join(f"- {_sentence(rng, 6)}" for _ in range(4)))
        parts.append(" ".join(_sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(3, 7))))
    parts.append("[Book a consultation](https://example.org/contact).")
    return "\n\n".join(parts)


def _variants(rng: random.Random, count: int = 24) -> list[Article]:
    """Rendered bodies to share: rendering 100,000 bodies one by one would take most of the run."""
    variants = []
    for _ in range(count):
        article = Article(title="x", body=_body(rng, rng.choice([4, 8, 16, 30])))
        article.render()
        variants.append(article)
    return variants


def generate(count: int, *, seed: int = 1, stdout=None) -> int:
    """Add `count` articles; returns how many were created."""
    rng = random.Random(seed)
    now = timezone.now()
    start = Article.objects.count()
    topics = [Topic.objects.get_or_create(name=f"Topic {n}")[0] for n in range(30)]
    tags = [Tag.objects.get_or_create(name=f"Tag {n}")[0] for n in range(300)]
    variants = _variants(rng)
    made = 0
    for chunk in batched(range(start, start + count), BATCH):
        articles = []
        for n in chunk:
            variant = rng.choice(variants)
            title = f"{_sentence(rng, rng.randint(3, 9))[:-1]} {n}"
            roll = rng.random()
            status = Article.Status.PUBLISHED if roll < 0.9 else rng.choice(["draft", "review"])
            published_at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365 * 8)) if roll < 0.95 else None
            if 0.85 <= roll < 0.9:
                published_at = now + timedelta(minutes=rng.randint(60, 60 * 24 * 30))  # scheduled
            article = Article(
                title=title,
                slug="-".join([*title.lower().split()[:6], str(n)]),
                body=variant.body,
                body_html=variant.body_html,
                excerpt=variant.excerpt,
                status=status,
                published_at=published_at,
                created_at=published_at or now,
                updated_at=published_at or now,
                topic=rng.choice(topics),
                trashed_at=now if 0.80 <= roll < 0.85 else None,
            )
            article.fill_duplicate_keys()  # bulk_create skips save(), which fills them
            articles.append(article)
        with transaction.atomic():
            created = Article.objects.bulk_create(articles)
            Article.tags.through.objects.bulk_create(
                Article.tags.through(article_id=article.pk, tag_id=tag.pk)
                for article in created
                for tag in rng.sample(tags, rng.randint(1, 4))
            )
            # bulk_create sends no signals: forget every list (and their stored counts) as an import does.
            page_invalidation.invalidate(lists=True)
        made += len(created)
        if stdout:
            stdout.write(f"{made:,} of {count:,}")
    search.rebuild()
    # The planner's statistics: without them SQLite picks poor plans at this size. On PostgreSQL VACUUM too (what
    # autovacuum does on a live site, later): until then index-only scans (counts) still read every table row.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return made
