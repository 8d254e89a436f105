from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exporter import IncompleteExport, export_articles
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Write every article as DIR/<slug>.md: YAML front matter and the Markdown body, "
        "the format import_articles reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR", help="created if missing")
        parser.add_argument("--status", choices=Article.Status.values, help="only articles with this status")

    def handle(self, *args, directory: Path, status: str | None, **options):
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a directory.")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            count = export_articles(directory, status=status)
        except IncompleteExport as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Cannot write to {directory}: {exc.strerror or exc}") from None
        self.stdout.write(f"Exported {count} articles to {directory}")
