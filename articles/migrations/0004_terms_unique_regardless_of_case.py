import unicodedata

from django.db import migrations, models


def _key(name: str) -> str:
    # Frozen copy of articles.models.term_key.
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def fold_case_duplicates(apps, schema_editor):
    """Names must now differ regardless of case: fold "Therapy" and "therapy" into the older one, and key each."""
    Article = apps.get_model("articles", "Article")
    for name in ("Topic", "Tag"):
        model = apps.get_model("articles", name)
        keepers = {}
        for term in model.objects.order_by("pk"):
            keeper = keepers.setdefault(_key(term.name), term)
            if keeper.pk != term.pk:
                if name == "Topic":
                    Article.objects.filter(topic=term).update(topic=keeper)
                else:
                    for article in Article.objects.filter(tags=term):
                        article.tags.add(keeper)
                term.delete()
        for key, term in keepers.items():
            model.objects.filter(pk=term.pk).update(name_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0003_normalise_stored_text_and_import_state'),
    ]

    operations = [
        migrations.AddField(model_name='tag', name='name_key', field=models.CharField(editable=False, max_length=200, null=True)),
        migrations.AddField(model_name='topic', name='name_key', field=models.CharField(editable=False, max_length=200, null=True)),
        migrations.RunPython(fold_case_duplicates, migrations.RunPython.noop),
    ]
