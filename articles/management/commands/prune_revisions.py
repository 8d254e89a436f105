from datetime import timedelta

from django.core.management.base import BaseCommand

from articles.management.arguments import non_negative
from articles.revisions import prune_revisions

count = non_negative("a number")


class Command(BaseCommand):
    help = (
        "Delete old revisions: all but each article's newest --keep, among those older than --older-than days. "
        "The newest revision and the one matching what is live are never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=count, required=True, metavar="N", help="newest revisions kept per article")
        parser.add_argument("--older-than", type=count, required=True, metavar="DAYS", help="only revisions this old")

    def handle(self, *args, keep: int, older_than: int, **options):
        deleted = prune_revisions(keep=keep, older_than=timedelta(days=older_than))
        self.stdout.write(f"{deleted} revision(s) deleted.")
