"""Library images in an export: each written once as images/<key>.<ext> beside the Markdown files, which
refer to it there. Importing the folder with --media-root brings them back as the same library images
(same bytes, same key: articles/images_clean.py), so the export after that is byte for byte the same."""

from pathlib import Path

from django.core.files.storage import default_storage

from .references import REFERENCE_IN_TEXT_RE, ImageRef

FOLDER = "images"


class MissingImage(Exception):
    def __init__(self, ref: ImageRef):
        super().__init__(
            f"The library image {ref.key} ({ref.original_name}) is missing from media storage; "
            "restore the file, or remove the image from the articles that use it."
        )


class ImageExport:
    def __init__(self, directory: Path):
        self.directory = directory
        self._written: set[str] = set()

    def write(self, ref: ImageRef) -> str:
        """Copy the image's stored file (through the storage API) into the export; returns its relative path."""
        relative = f"{FOLDER}/{ref.key}.{ref.ext}"
        if relative not in self._written:
            target = self.directory / relative
            target.parent.mkdir(exist_ok=True)
            try:
                with default_storage.open(ref.original_name, "rb") as source:
                    data = source.read()
            except FileNotFoundError:
                raise MissingImage(ref) from None
            target.write_bytes(data)
            self._written.add(relative)
        return relative

    def localise(self, body: str) -> str:
        """`body` referring to the exported copies of its library images."""

        def replace(match) -> str:
            ref = ImageRef.parse(match.group())
            return self.write(ref) if ref else match.group()

        return REFERENCE_IN_TEXT_RE.sub(replace, body)
