"""The format-neutral result of parsing one article, and the errors parsers raise."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime


class SourceError(Exception):
    """Bad input. `location` names the file (and line or item); the message says what to do."""

    def __init__(self, location: str, message: str):
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


@dataclass
class ArticleRecord:
    """One article as a source describes it, before it touches the database.

    `import_key` is stable across runs for the same source item (a file's path
    relative to the import root, a WordPress guid), so re-imports update instead
    of duplicating. `location` is for messages only ("export.xml, item 3 (line 120)").
    `status` None means the source does not say; the writer then publishes.
    Dates are timezone-aware or None.
    """

    import_key: str
    location: str
    title: str
    body: str
    slug: str = ""
    summary: str = ""
    meta_description: str = ""
    status: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    topic: str = ""
    tags: list[str] = field(default_factory=list)
    author: str = ""
    canonical_url: str = ""
    redirect_from: list[str] = field(default_factory=list)
    # The item's original absolute address, so links to it from other imported items can be rewritten.
    source_url: str = ""
    # Scraped text keeps " ." after former link text; the writer turns it into links (articles/importers/links.py).
    link_residue: bool = False
    # Notes for the report (e.g. "decoded as Windows-1252").
    notes: list[str] = field(default_factory=list)
    # The key an earlier version of the importer gave this item; an article stored
    # under it is adopted (and re-keyed) instead of being duplicated.
    legacy_key: str = ""
    # Why the item must not be public whatever --status says (a password-protected post).
    draft_reason: str = ""
    # What the editor sees as "imported from": the --source name, a folder, a WordPress site.
    source_name: str = ""
    # The file's path within what was imported; relative links between files resolve against it.
    source_path: str = ""
    # The featured image's address (a path beside the Markdown, a WordPress upload's URL), and what
    # describes it; brought into the media library with --media-root (images/importing.py).
    featured_image: str = ""
    featured_image_alt: str = ""
    featured_image_caption: str = ""

    def fingerprint(self) -> str:
        """Hash of everything that ends up in the article; equal hashes mean nothing to update."""
        data = asdict(self)
        for bookkeeping in ("location", "notes", "legacy_key", "source_name", "source_path"):
            del data[bookkeeping]
        for name in ("featured_image", "featured_image_alt", "featured_image_caption"):
            if not data[name]:  # left out when empty, so fingerprints stored before these fields still match
                del data[name]
        payload = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Skipped:
    """A source item deliberately not imported (an attachment, a menu item), counted in the report."""

    location: str
    kind: str
    # For --dry-run's list of pages: the title it would have had, and more about why.
    title: str = ""
    detail: str = ""
