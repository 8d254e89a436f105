from django.core.management.base import BaseCommand

from articles import search


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every article (after a restore, or to be sure it is complete)."

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(f"Indexed {count} article(s) for search.")
