from django.core.management.base import BaseCommand, CommandError

from articles.generate import generate


class Command(BaseCommand):
    help = "Add N generated articles (public, drafts, scheduled, trashed; topics and tags) to measure a large site."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many articles to add.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same articles.")

    def handle(self, count, seed, **options):
        if count < 1:
            raise CommandError(f"COUNT must be at least 1, not {count}.")
        made = generate(count, seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Added {made:,} articles."))
