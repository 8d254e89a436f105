"""Search entries, and the index each database searches them with (see articles/search.py).

SQLite: an FTS5 table with SearchEntry as its external content, kept in step by triggers, so any
write to an entry (ORM, bulk, raw SQL) updates the index. PostgreSQL: a GIN index on the vector.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

FTS = "articles_search_fts"
COLUMNS = "title, summary, tags, body"
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='articles_searchentry', "
    "content_rowid='article_id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON articles_searchentry BEGIN "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.article_id, new.title, new.summary, new.tags, new.body); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON articles_searchentry BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) "
    "VALUES ('delete', old.article_id, old.title, old.summary, old.tags, old.body); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON articles_searchentry BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) "
    "VALUES ('delete', old.article_id, old.title, old.summary, old.tags, old.body); "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.article_id, new.title, new.summary, new.tags, new.body); END",
]
SQLITE_DOWN = [f"DROP TRIGGER {FTS}_ai", f"DROP TRIGGER {FTS}_ad", f"DROP TRIGGER {FTS}_au", f"DROP TABLE {FTS}"]
# English stemming with accents folded first (unaccent is a trusted extension: the database owner may add it).
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION articles_english (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION articles_english "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "CREATE INDEX articles_searchentry_vector_gin ON articles_searchentry USING gin (vector)",
]
PG_DOWN = ["DROP INDEX articles_searchentry_vector_gin", "DROP TEXT SEARCH CONFIGURATION articles_english"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def fill(apps, schema_editor):
    from articles import search

    article_model = apps.get_model("articles", "Article")
    ids = list(article_model.objects.values_list("pk", flat=True))
    search._index_now(ids, article_model, apps.get_model("articles", "SearchEntry"))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0010_featured_image'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('article', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='articles.article')),
                ('title', models.TextField()),
                ('summary', models.TextField()),
                ('tags', models.TextField(help_text='The topic and tag names.')),
                ('body', models.TextField()),
                ('vector', django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}), _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
