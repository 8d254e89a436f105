from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database, the media files and a checksum manifest into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A new or empty folder.")

    def handle(self, *args, directory, **options):
        try:
            summary = backup(directory)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up the database ({summary.database_file}) and {summary.media_files} media file(s), "
            f"{summary.media_bytes} bytes, into {directory}."
        )
