import argparse
from datetime import timedelta

from django.core.management.base import BaseCommand

from articles.revisions import prune_revisions


def count(value: str) -> int:
    # A usage error, checked by the parser: exit status 2 and the usage line, as for any bad option.
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"give a number, 0 or more (not {value!r})")
    return number


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
