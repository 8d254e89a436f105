"""Imported articles' images, brought into the media library from a local folder (`import_articles --media-root`).

Nothing is fetched from the network. An image of an imported body (`![alt](address)`) is looked for in
the folder: a WordPress address by its path under wp-content/uploads/ (the full-size original before
the resized copy WordPress linked, when both are there), a relative address (Markdown beside its
images, or an export's images/ folder) against the Markdown file's folder, then the media root.
Found, it goes through images.library.add_image like an upload (cleaned, deduplicated by hash) and the
body refers to the library image instead. A file that is missing, outside the folder, or not an
acceptable image is named in the report, and its link is left as it was.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from articles.uploads import clean_image

from .library import add_image
from .models import Image
from .references import ImageRef

# ![alt](address "title"), as our importers write it: the address has no spaces or parentheses.
MARKDOWN_IMAGE_RE = re.compile(r'!\[((?:\\.|[^\]\\])*)\]\(([^()\s]+)((?:\s+"(?:\\.|[^"\\])*")?)\)')
_UPLOADS_MARKER = "/wp-content/uploads/"
_LINKED_LIBRARY_IMAGE_RE = re.compile(
    r'\[(!\[(?:\\.|[^\]\\])*\]\(image:[^()\s]+(?:\s+"(?:\\.|[^"\\])*")?\))\]\(([^()\s]+)\)'
)
# WordPress's resized copies: photo-1024x768.jpg beside photo.jpg.
_RESIZED_RE = re.compile(r"-\d+x\d+(?=\.\w+$)")


@dataclass
class _Found:
    ref: ImageRef | None = None
    alt_text: str = ""
    problem: str = ""


@dataclass
class MediaFolder:
    """One import run's media folder. `dry_run` checks every file as an import would, storing nothing."""

    root: Path
    dry_run: bool = False
    _seen: dict[Path, _Found] = field(default_factory=dict)
    # Alt text and caption by file path (relative to the folder): a WordPress export's attachments.
    _details: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self):
        self.root = self.root.resolve()

    def bring_home(self, body: str, *, source_path: str, notes: list[str]) -> str:
        """`body` with each image found in the folder referring to its library image; problems added to `notes`."""

        def replace(match: re.Match) -> str:
            alt, address, title = match.groups()
            if ImageRef.parse(address) is not None:
                return match.group()
            found = self._find(address, source_path)
            if found is None:  # not an address this folder can hold: an external image stays as it is
                return match.group()
            if found.problem:
                notes.append(found.problem)
                return match.group()
            if found.ref is None:  # dry run
                return match.group()
            return f"![{alt or _escape_alt(found.alt_text)}]({found.ref}{title})"

        body = MARKDOWN_IMAGE_RE.sub(replace, body)
        # WordPress links a resized image to its full-size file on the old site: the library image is that now.
        return _LINKED_LIBRARY_IMAGE_RE.sub(lambda m: m.group(1) if _UPLOADS_MARKER in m.group(2) else m.group(), body)

    def describe(self, details: dict[str, tuple[str, str]]) -> None:
        """Alt text and captions for files of the folder, given before their images are added."""
        self._details.update(details)

    def image_for(
        self, address: str, *, source_path: str, alt_text: str = "", caption: str = "", notes: list[str]
    ) -> Image | None:
        """The library image for one address (a featured image), or None with a note saying why."""
        found = self._find(address, source_path, alt_text=alt_text, caption=caption)
        if found is None:
            notes.append(f"featured image {address!r} is not a file under --media-root; not imported")
            return None
        if found.problem:
            notes.append(found.problem)
            return None
        return Image.objects.filter(key=found.ref.key).first() if found.ref else None

    # -- finding files ---------------------------------------------------------------

    def _find(self, address: str, source_path: str, *, alt_text: str = "", caption: str = "") -> _Found | None:
        parts = urlsplit(address)
        path = unquote(parts.path)
        uploads: list[str] = []
        if _UPLOADS_MARKER in path:
            relative = path.split(_UPLOADS_MARKER, 1)[1]
            original = _RESIZED_RE.sub("", relative)
            uploads = [original, relative] if original != relative else [relative]
        if parts.scheme or parts.netloc or path.startswith("/") or not path:
            if not uploads:
                return None
            candidates = uploads
        else:
            # A relative address (a saved page's ../wp-content/uploads/ too) is first looked for beside its file.
            here = PurePosixPath(source_path).parent
            beside = (here / path).as_posix() if source_path else ""
            candidates = [c for c in (self._relative(beside), path, *uploads) if c is not None]
        for candidate in candidates:
            target = self._inside(candidate)
            if target is not None and target.is_file():
                return self._add(target, candidate, alt_text=alt_text, caption=caption)
        inside = [c for c in candidates if self._inside(c) is not None]
        shown = inside[0] if inside else candidates[-1] if candidates else path
        if not inside:
            return _Found(problem=f"image {shown!r} points outside --media-root; refused, link left as it is")
        return _Found(problem=f"image file missing from --media-root: {shown!r}; link left as it is")

    def _relative(self, absolute: str) -> str | None:
        """An absolute path as a path inside the folder, or None when it lies elsewhere."""
        if not absolute:
            return None
        try:
            return Path(absolute).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def _inside(self, relative: str) -> Path | None:
        """The file `relative` names in the folder, symlinks followed; None when that leaves the folder ("../")."""
        target = (self.root / relative).resolve()
        return target if target.is_relative_to(self.root) else None

    def _add(self, target: Path | None, name: str, *, alt_text: str = "", caption: str = "") -> _Found:
        if not (alt_text or caption):
            alt_text, caption = self._details.get(name, ("", ""))
        if target is None:
            return _Found(problem=f"image {name!r} points outside --media-root; refused, link left as it is")
        if not target.is_file():
            return _Found(problem=f"image file missing from --media-root: {name!r}; link left as it is")
        if target in self._seen and not (alt_text or caption):
            return self._seen[target]
        try:
            with target.open("rb") as handle:
                upload = File(handle, name=target.name)
                if self.dry_run:
                    clean_image(upload)
                    found = _Found()
                else:
                    image, _ = add_image(upload, name=target.name, alt_text=alt_text, caption=caption)
                    found = _Found(image.ref, image.alt_text)
        except ValidationError as error:
            found = _Found(problem=f"image {name!r} refused: {error.messages[0]} Link left as it is")
        except OSError as error:
            found = _Found(problem=f"image {name!r} cannot be read ({error.strerror or error}); link left as it is")
        self._seen[target] = found
        return found


def _escape_alt(text: str) -> str:
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))
