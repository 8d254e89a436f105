"""Run an import: find the files, pick each one's format, hand records to the writer, report."""

import fnmatch
import hashlib
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction

from images.importing import MediaFolder

from .. import search
from . import html_pages, markdown_files, scraped_text, static_sites
from .decoding import decode_text
from .records import ArticleRecord, Skipped, SourceError
from .sources import SourceFile, find_sources
from .wordpress import collect_attachments, iter_items, looks_like_wxr
from .writer import ArticleWriter, Outcome

FORMATS = ("text", "markdown", "wordpress", "html")
_SUFFIX_FORMATS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".xml": "wordpress",
    ".html": "html", ".htm": "html",
}  # fmt: skip
BATCH_SIZE = 100
KEY_MAX_LENGTH = 500  # Article.import_key
COUNTED = ("created", "updated", "unchanged", "locally modified", "skipped", "failed")
# Other XML in a folder (a sitemap, an RSS feed) is passed over; named on the command line, it is an error.
NOT_AN_EXPORT = "not a WordPress export"


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    links_resolved: int = 0
    rolled_back: bool = False
    # Every item's verdict, for --dry-run's list: (location, "article" or why it was skipped, title).
    verdicts: list[tuple[str, str, str]] = field(default_factory=list)

    def fail(self, error: SourceError) -> None:
        self.counts["failed"] += 1
        self.failures.append(str(error))

    @property
    def failed(self) -> int:
        return self.counts["failed"]


class _Rollback(Exception):
    pass


def _once_each(sources: Iterable[SourceFile | SourceError]) -> list[SourceFile | SourceError]:
    """Each file once, however many of the PATHs reach it (a folder and a file in it, a folder named twice)."""
    seen: set[str] = set()
    kept = []
    for source in sources:
        if isinstance(source, SourceFile):
            if source.identity in seen:
                continue
            seen.add(source.identity)
        kept.append(source)
    return kept


class _Batches:
    """An open transaction committed every `size` items.

    Each article is still written in its own savepoint (see writer.py), so a failure
    loses only that article; committing in batches rather than per article saves most
    of SQLite's per-commit cost on large imports.
    """

    def __init__(self, size: int):
        self.size = size

    def __enter__(self):
        self._begin()
        return self

    def __exit__(self, *exc_info):
        return self._atomic.__exit__(*exc_info)

    def _begin(self):
        self._atomic, self._count = transaction.atomic(), 0
        self._atomic.__enter__()

    def tick(self):
        self._count += 1
        if self._count >= self.size:
            search.flush()  # index this batch's articles (tags included) in the transaction that commits them
            self._atomic.__exit__(None, None, None)
            self._begin()


class Importer:
    def __init__(
        self,
        *,
        fmt: str = "auto",
        status: str | None = None,
        overwrite: bool = False,
        restore_deleted: bool = False,
        include_pages: bool = False,
        max_file_size: int,
        source: str = "",
        media_root: Path | None = None,
        include: list[str] = (),
        exclude: list[str] = (),
        site_root: Path | None = None,
        progress: Callable[[int, int, int], None] | None = None,
    ):
        self.media_root = media_root
        # Glob patterns on a file's path within what was imported: --exclude skips, --include forces a page in.
        self.include, self.exclude = list(include), list(exclude)
        # Jekyll and Hugo sites by their root folder (static_sites.py); --site-root names one for every file.
        self.site_root = site_root.resolve() if site_root else None
        self._sites: dict[Path, static_sites.StaticSite | None] = {}
        self._media: MediaFolder | None = None
        self.fmt = fmt
        self.source = source
        self.status = status
        self.overwrite = overwrite
        self.restore_deleted = restore_deleted
        self.include_pages = include_pages
        self.max_file_size = max_file_size
        self.progress = progress or (lambda files_done, files_total, items_done: None)

    def run(self, paths: list[Path], *, dry_run: bool = False, atomic: bool = False) -> ImportReport:
        """Import `paths`. A folder or archive among them with no file to import raises NothingToImport,
        before anything is written."""
        report = ImportReport()
        sources = _once_each(find_sources(paths))
        if self.site_root is not None and self._site(self.site_root) is None:
            raise NotASite(self.site_root)
        if self.media_root is None:
            self.media_root = self.site_root or _mirror_folder(paths, sources, self._site)
        if not (dry_run or atomic):
            self._import_all(sources, report)
            return report
        try:
            with transaction.atomic():
                self._import_all(sources, report, dry_run=dry_run)
                if dry_run or report.failed:
                    raise _Rollback
        except _Rollback:
            report.rolled_back = True
        return report

    def _import_all(self, sources: list[SourceFile | SourceError], report: ImportReport, *, dry_run=False) -> None:
        self._media = MediaFolder(self.media_root, dry_run=dry_run) if self.media_root else None
        writer = ArticleWriter(
            status=self.status, overwrite=self.overwrite, restore_deleted=self.restore_deleted, media=self._media
        )
        items = 0
        # Articles are indexed for search a batch at a time, after their tags are written (not per save).
        with search.deferred(), _Batches(BATCH_SIZE) as batch:
            for done, source in enumerate(sources, 1):
                if isinstance(source, SourceError):
                    report.fail(source)
                else:
                    for item in self._items(source):
                        self._handle(item, writer, report)
                        batch.tick()
                        items += 1
                        self.progress(done - 1, len(sources), items)
                self.progress(done, len(sources), items)
            self._finish(writer, report)

    def _finish(self, writer: ArticleWriter, report: ImportReport) -> None:
        """The final pass over links between articles; its failures are failures of the run."""
        try:
            with transaction.atomic():
                report.links_resolved = writer.finish()
        except DatabaseError as error:
            report.fail(SourceError("the final pass over links between articles", f"failed ({error}); run again"))
        for failure in writer.failures:
            report.fail(failure)

    def _handle(self, item: ArticleRecord | Skipped | SourceError, writer: ArticleWriter, report: ImportReport):
        if isinstance(item, SourceError):
            report.fail(item)
            return
        if isinstance(item, Skipped):
            report.counts["skipped"] += 1
            report.skipped[item.kind] += 1
            report.verdicts.append(
                (item.location, f"skipped: {item.kind}" + (f" ({item.detail})" if item.detail else ""), item.title)
            )
            return
        report.verdicts.append((item.location, "article", item.title))
        try:
            result = writer.write(item)
        except SourceError as error:
            report.fail(error)
            return
        except DatabaseError as error:
            report.fail(SourceError(item.location, f"the database refused it ({error})"))
            return
        if result.outcome is Outcome.DELETED_HERE:
            report.counts["skipped"] += 1
            report.skipped["deleted here (--restore-deleted brings them back)"] += 1
            return
        report.counts[result.outcome.value] += 1
        report.notes.extend(f"{item.location}: {note}" for note in item.notes + result.notes)
        if result.outcome is Outcome.LOCALLY_MODIFIED:
            report.notes.append(
                f"{item.location}: changed in the admin since the last import; kept the local version "
                "(use --overwrite to replace it)"
            )

    def _items(self, source: SourceFile) -> Iterator[ArticleRecord | Skipped | SourceError]:
        """Parse one file into records; every problem becomes a SourceError naming the file."""
        try:
            if _matches(source.key_path, self.exclude):
                yield Skipped(source.location, "excluded by --exclude")
                return
            site, site_path = self._site_of(source)
            if site is not None and (reason := site.skip_reason(site_path)):
                yield Skipped(source.location, reason)
                return
            fmt = self._format(source)
            if fmt is None:
                yield Skipped(source.location, NOT_AN_EXPORT)
                return
            if fmt == "wordpress":
                yield from self._wordpress_items(source)
                return
            if source.size > self.max_file_size:
                raise SourceError(
                    source.location,
                    f"is {source.size:,} bytes, over the {self.max_file_size:,}-byte limit; "
                    "split it or raise --max-file-size",
                )
            if fmt == "html":
                yield self._html_item(source)
                return
            text, notes = decode_text(source.read(), source.location)
            parse = scraped_text.parse if fmt == "text" else markdown_files.parse
            record = parse(text, import_key=self._file_key(source), location=source.location)
            record.source_name = f"{self.source}: {source.key_path}" if self.source else source.identity
            record.source_path = source.identity  # relative links resolve against where the file really is
            record.legacy_key = f"{fmt}:{source.key_path}"  # before sources were named
            record.notes.extend(notes)
            if site is not None and fmt == "markdown":
                self._from_site(record, site, site_path, text)
            yield record
        except SourceError as error:
            yield error
        except OSError as error:
            yield SourceError(source.location, f"cannot be read ({error.strerror or error})")
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            yield SourceError(source.location, f"is damaged inside its .zip archive ({error})")

    def _site(self, root: Path) -> static_sites.StaticSite | None:
        if root not in self._sites:
            self._sites[root] = static_sites.find_site(root) if root.is_dir() else None
        return self._sites[root]

    def _site_of(self, source: SourceFile) -> tuple[static_sites.StaticSite | None, str]:
        """The Jekyll or Hugo site the file belongs to (--site-root, else the folder named), and its path there."""
        site = self._site(self.site_root or source.root)
        if site is None:
            return None, ""
        try:
            return site, Path(source.identity).relative_to(site.root).as_posix()
        except ValueError:
            return None, ""

    def _from_site(self, record: ArticleRecord, site: static_sites.StaticSite, site_path: str, text: str) -> None:
        """A post of a Jekyll or Hugo site: its template tags rewritten, its old address redirected."""
        record.body = site.convert_body(record.body, site_path, record.notes)
        meta = markdown_files.front_matter(text, record.location)
        published = meta.get("date") if record.published_at is None else record.published_at
        old = site.old_path(site_path, meta, published if not isinstance(published, str) else None)
        if old:
            record.redirect_from = list(dict.fromkeys([*record.redirect_from, old]))
        url = site.config.get("url") or site.config.get("baseurl") or ""
        if isinstance(url, str) and "//" in url and old:
            record.source_url = url.rstrip("/") + old  # absolute links to the old site are internal

    def _html_item(self, source: SourceFile) -> ArticleRecord | Skipped:
        page = html_pages.Page(
            key_path=source.key_path,
            location=source.location,
            import_key=self._file_key(source),
            include=_matches(source.key_path, self.include),
        )
        record = html_pages.parse_page(source.read(), page)
        if isinstance(record, ArticleRecord):
            record.source_name = f"{self.source}: {source.key_path}" if self.source else source.identity
            record.source_path = source.identity  # images and relative links resolve against the file's folder
        return record

    def _file_key(self, source: SourceFile) -> str:
        """What identifies a file across runs: its path within a named --source, else its resolved
        path, so two folders' index.md never collide and one file reached two ways is one article."""
        key = f"source:{self.source}:{source.key_path}" if self.source else f"file:{source.identity}"
        return key if len(key) <= KEY_MAX_LENGTH else f"{key[:20]}…sha256:{hashlib.sha256(key.encode()).hexdigest()}"

    def _format(self, source: SourceFile) -> str | None:
        """The file's format; None for XML found in a folder that is not a WordPress export."""
        if self.fmt != "auto":
            return self.fmt
        by_suffix = _SUFFIX_FORMATS.get(source.suffix)
        if by_suffix in {"text", "markdown", "html"}:
            return by_suffix
        with source.open() as handle:
            head = handle.read(4096)
        if looks_like_wxr(head):
            return "wordpress"
        if by_suffix == "wordpress":
            if not source.named:
                return None
            raise SourceError(source.location, "is XML but not a WordPress export (WXR); nothing to import from it")
        # A file named on the command line without a known extension: judge by its start.
        if html_pages.looks_like_html(head):
            return "html"
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return "markdown" if stripped.startswith((b"---", b"# ")) else "text"

    def _wordpress_items(self, source: SourceFile) -> Iterable[ArticleRecord | Skipped | SourceError]:
        attachments = None
        if self._media is not None:  # featured images, galleries and alt text need the export's media items
            with source.open() as stream:
                attachments = collect_attachments(stream)
            self._media.describe(
                {a.file: (a.alt, a.caption) for a in attachments.values() if a.file and (a.alt or a.caption)}
            )
        with source.open() as stream:
            for item in iter_items(
                stream,
                location=source.location,
                include_pages=self.include_pages,
                max_item_size=self.max_file_size,
                source_name=self.source or source.identity,
                attachments=attachments,
            ):
                if isinstance(item, ArticleRecord):
                    item.source_name = self.source or item.source_name or source.identity
                yield item


def _matches(key_path: str, patterns: list[str]) -> bool:
    """Whether a file's path within the import (or that path without wget's host folder) matches a glob."""
    paths = {key_path, html_pages.site_path(key_path).lstrip("/")}
    return any(fnmatch.fnmatch(path, pattern.lstrip("/")) for path in paths for pattern in patterns)


def _mirror_folder(paths: list[Path], sources: list, site: Callable) -> Path | None:
    """A saved site's own folder holds its images: with one folder of HTML pages (or one Jekyll or Hugo
    site) and no --media-root, that folder is where images are looked for (nothing is ever downloaded)."""
    folders = [path for path in paths if path.is_dir()]
    if len(folders) != 1:
        return None
    has_pages = any(isinstance(s, SourceFile) and s.suffix in html_pages.HTML_SUFFIXES for s in sources)
    return folders[0] if has_pages or site(folders[0].resolve()) is not None else None


class NotASite(Exception):
    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"--site-root {path}: no Jekyll _config.yml and no Hugo configuration "
            f"({', '.join(static_sites.HUGO_CONFIGS)} beside a content/ folder) found there"
        )
