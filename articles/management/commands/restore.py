from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database, checking every checksum."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A folder written by manage.py backup.")

    def handle(self, *args, directory, **options):
        try:
            summary = restore(directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the database and {summary.media_files} media file(s) from {directory}; checksums verified."
        )
