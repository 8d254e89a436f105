"""Store existing articles the way Article.normalise() now stores every new save, and carry
over the "unedited since import" mark to the new fingerprint.

The fingerprint of what an editor can change (Article.content_fingerprint) now hashes
normalised text, times to the second and topic/tag ids. Articles imported before kept a hash
in the old form; where that old hash still matches, the article was not edited since its
import, and it gets the new hash. Where it does not match (or cannot be recomputed), it is
left as edited: a re-import then keeps it and says so, which loses nothing.

The hashing and normalising code is copied here, not imported: a migration must keep doing
what it did when it was written.
"""

import hashlib
import json
from datetime import UTC
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

CHUNK = 500


def _hash(data) -> str:
    return hashlib.sha256(json.dumps(data, default=str, ensure_ascii=False).encode()).hexdigest()


def _old_hashes(article, tag_names) -> set[str]:
    """The hash the importer stored before, for each way it may have written the date."""
    dates = [""]
    if article.published_at:
        dates = {article.published_at.isoformat(), article.published_at.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat()}
    topic = article.topic.name if article.topic_id else ""
    return {
        _hash([article.title, article.slug, article.summary, article.body, article.status, date, topic,
               sorted(tag_names), article.meta_description, article.canonical_url, article.author_id])
        for date in dates
    }  # fmt: skip


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean_body(body: str) -> str:
    lines = _newlines(body).split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip(" \t"):
        start += 1
    return "\n".join(lines[start:]).rstrip(" \t\n")


def _normalise(article) -> None:
    article.title = " ".join(article.title.split())
    article.body = _clean_body(article.body)
    article.summary = _newlines(article.summary).strip()
    article.meta_description = " ".join(article.meta_description.split())
    article.canonical_url = article.canonical_url.strip()
    if article.published_at is not None:
        article.published_at = article.published_at.replace(microsecond=0)


def _new_hash(article, tag_ids) -> str:
    published = article.published_at.astimezone(UTC).isoformat() if article.published_at else ""
    return _hash([article.title, article.slug, article.summary, article.body, article.status, published,
                  article.topic_id, sorted(tag_ids), article.meta_description, article.canonical_url,
                  article.author_id])  # fmt: skip


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    fields = ["title", "body", "summary", "meta_description", "canonical_url", "published_at", "import_state"]
    articles = Article.objects.select_related("topic").prefetch_related("tags").order_by("pk")
    batch = []
    for article in articles.iterator(chunk_size=CHUNK):
        tags = list(article.tags.all())
        unedited = bool(article.import_state) and article.import_state in _old_hashes(article, [t.name for t in tags])
        _normalise(article)
        if unedited:
            article.import_state = _new_hash(article, [t.pk for t in tags])
        batch.append(article)
        if len(batch) >= CHUNK:
            Article.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Article.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_import_source_and_normalised_fields"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
