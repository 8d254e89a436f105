from itertools import batched

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article

CHUNK = 200


class Command(BaseCommand):
    help = (
        "Render every article's stored HTML and excerpt again from its Markdown, after an upgrade that "
        "changed the renderer. Nothing an editor wrote changes, and no 'Updated' date moves."
    )

    def handle(self, *args, **options):
        changed = total = 0
        articles = Article.objects.only("pk", "body", "summary", "body_html", "excerpt").order_by("pk")
        for chunk in batched(articles.iterator(chunk_size=CHUNK), CHUNK):
            stale = []
            for article in chunk:
                before = (article.body_html, article.excerpt)
                article.render()
                if (article.body_html, article.excerpt) != before:
                    stale.append(article)
            with transaction.atomic():
                Article.objects.bulk_update(stale, ["body_html", "excerpt"])
            changed += len(stale)
            total += len(chunk)
        self.stdout.write(f"Rendered {total} article(s); {changed} had out-of-date HTML and were updated.")
