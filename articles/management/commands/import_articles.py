import argparse
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.importers.records import SourceError
from articles.importers.runner import COUNTED, FORMATS, Importer, ImportReport, NotASite
from articles.importers.sources import NothingToImport


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number of bytes")
    return value


class Command(BaseCommand):
    help = (
        "Import articles from scraped plain-text pages (.txt), Markdown files with optional YAML front "
        "matter (.md), WordPress exports (.xml) and saved web pages (.html: a wget or HTTrack mirror), "
        "given as files, directories or .zip archives. "
        "Re-importing updates changed articles and leaves edited ones alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--format", choices=["auto", *FORMATS], default="auto", help="default: detect")
        parser.add_argument("--status", choices=["draft", "published"], help="force this status on every article")
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
        parser.add_argument("--atomic", action="store_true", help="if any item fails, write nothing at all")
        parser.add_argument("--overwrite", action="store_true", help="replace articles edited in the admin")
        parser.add_argument(
            "--restore-deleted", action="store_true", help="import again articles that were deleted here since"
        )
        parser.add_argument("--include-pages", action="store_true", help="WordPress: import pages as articles")
        parser.add_argument(
            "--source", default="", metavar="NAME",
            help="name this source (e.g. old-site) so re-imports recognise its files wherever they lie; "
            "files are then known by their path within each PATH. Default: by their full path on this machine",
        )  # fmt: skip
        parser.add_argument(
            "--media-root", type=Path, metavar="DIR",
            help="a local copy of wp-content/uploads, or the folder beside the Markdown files: the images "
            "articles show are added to the media library from there (nothing is downloaded)",
        )  # fmt: skip
        parser.add_argument(
            "--site-root", type=Path, metavar="DIR",
            help="a Jekyll or Hugo site's folder, when PATH is a part of it: its configuration gives the "
            "permalinks (old addresses) and site variables; found by itself when PATH is the site's folder",
        )  # fmt: skip
        parser.add_argument(
            "--include", action="append", default=[], metavar="GLOB",
            help="saved web pages: import pages whose path matches even if they do not look like articles "
            "(e.g. 'services/*.html'); may be repeated",
        )  # fmt: skip
        parser.add_argument(
            "--exclude", action="append", default=[], metavar="GLOB",
            help="skip files whose path within PATH matches (e.g. 'shop/*'); may be repeated",
        )  # fmt: skip
        parser.add_argument(
            "--max-file-size", type=_positive_int, default=settings.IMPORT_MAX_FILE_SIZE, metavar="BYTES",
            help="largest file (or WordPress item) to read; default %(default)s",
        )  # fmt: skip

    def handle(self, *args, paths, **options):
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"No such file or directory: {', '.join(missing)}", returncode=2)
        media_root = options["media_root"]
        if media_root is not None and not media_root.is_dir():
            raise CommandError(f"--media-root {media_root} is not a folder", returncode=2)
        importer = Importer(
            media_root=media_root,
            fmt=options["format"],
            status=options["status"],
            overwrite=options["overwrite"],
            restore_deleted=options["restore_deleted"],
            include_pages=options["include_pages"],
            max_file_size=options["max_file_size"],
            source=options["source"].strip(),
            include=options["include"],
            exclude=options["exclude"],
            site_root=options["site_root"],
            progress=self._progress_printer(),
        )
        try:
            report = importer.run(paths, dry_run=options["dry_run"], atomic=options["atomic"])
        except (NothingToImport, NotASite, SourceError) as error:
            raise CommandError(str(error), returncode=1) from None
        self._print(report, dry_run=options["dry_run"], atomic=options["atomic"])
        if report.failed:
            raise CommandError(f"{report.failed} item(s) failed; see the lines above.", returncode=1)

    def _progress_printer(self):
        if not self.stdout.isatty():
            return None
        started, last = time.monotonic(), [0.0]

        def show(files_done: int, files_total: int, items: int) -> None:
            now = time.monotonic()
            finished = files_done == files_total
            if finished or now - last[0] > 0.2:
                last[0] = now
                width = 30
                filled = width * files_done // max(files_total, 1)
                rate = items / max(now - started, 1e-6)
                bar = "#" * filled + "." * (width - filled)
                line = f"\r[{bar}] {files_done}/{files_total} files, {items:,} items, {rate:,.0f}/s"
                self.stdout.write(line, ending="\n" if finished else "")
                self.stdout.flush()

        return show

    def _print(self, report: ImportReport, *, dry_run: bool, atomic: bool) -> None:
        heading = "Dry run: nothing was written. It would have given:" if dry_run else "Import finished:"
        if atomic and report.rolled_back and not dry_run:
            heading = "Import rolled back (--atomic and something failed): nothing was written. Results:"
        self.stdout.write(heading)
        self.stdout.write("  " + ", ".join(f"{report.counts[name]} {name}" for name in COUNTED))
        if report.skipped:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.skipped.items()))
            self.stdout.write(f"  skipped: {kinds}")
        if dry_run:  # every page and its verdict, so a large mirror can be checked before it is imported
            for location, verdict, title in report.verdicts:
                self.stdout.write(f"  {location}: {verdict}" + (f" — {title!r}" if title else ""))
        if report.links_resolved:
            self.stdout.write(f"  links between articles updated in {report.links_resolved} article(s)")
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        for failure in report.failures:
            self.stderr.write(f"  failed: {failure}")
