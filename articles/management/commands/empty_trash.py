from datetime import timedelta

from django.core.management.base import BaseCommand

from articles.management.arguments import non_negative
from articles.trash import empty_trash

days = non_negative("a number of days")


class Command(BaseCommand):
    help = "Delete for good the articles that have been in the trash longer than --older-than days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=days, required=True, metavar="DAYS", help="days in the trash (0 empties it all)"
        )

    def handle(self, *args, older_than: int, **options):
        titles = empty_trash(older_than=timedelta(days=older_than))
        for title in titles:
            self.stdout.write(f"deleted for good: {title}")
        self.stdout.write(f"{len(titles)} article(s) deleted for good from the trash.")
