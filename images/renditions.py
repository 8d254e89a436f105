"""Renditions of a library image: made once, when the image is added, through the storage API only.

Pillow directly, not sorl-thumbnail, easy-thumbnails or django-imagekit: those name their files
by hashes of their options and keep a cache (or a database table) to know what exists, and decide
formats per call; here the set of files is a pure function of the image's reference
(references.ImageRef.rendition_names), so the renderer can write srcset without asking anything,
and making them is twenty lines of Pillow we already depend on.

A rendition already in storage is not made again (same name, same picture). `manage.py
make_renditions` makes any that are missing (after changing IMAGE_RENDITION_WIDTHS, or on a
Pillow that gained AVIF), and the media view makes one a reader asks for that is still missing:
that reader pays once, nobody after.
"""

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from .references import ImageRef

logger = logging.getLogger(__name__)

SAVE_OPTIONS = {
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"optimize": True}),
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "avif": ("AVIF", {"quality": 60, "speed": 8}),
}


def make_renditions(ref: ImageRef, original: PILImage.Image | None = None, *, only: str | None = None) -> int:
    """Make the renditions of `ref` missing from storage (or just the one named `only`); returns how many."""
    wanted = [item for item in ref.rendition_names() if only is None or item[0] == only]
    missing = [item for item in wanted if not default_storage.exists(item[0])]
    if not missing:
        return 0
    if original is None:
        with default_storage.open(ref.original_name, "rb") as handle:
            original = PILImage.open(io.BytesIO(handle.read()))
            original.load()
    for name, width, fmt in missing:
        default_storage.save(name, ContentFile(encode(original, width, ref.height_at(width), fmt)))
    return len(missing)


def encode(original: PILImage.Image, width: int, height: int, fmt: str) -> bytes:
    image = original
    if image.mode not in ("L", "RGB", "RGBA"):  # palette and other modes cannot be resampled smoothly
        has_alpha = "transparency" in image.info or image.mode in ("LA", "PA", "RGBa", "La")
        image = image.convert("RGBA" if has_alpha else "RGB")
    if fmt == "jpg" and image.mode == "RGBA":
        image = image.convert("RGB")
    if image.size != (width, height):
        image = image.resize((width, height), PILImage.Resampling.LANCZOS)
    pil_format, options = SAVE_OPTIONS[fmt]
    output = io.BytesIO()
    image.save(output, pil_format, **options)
    return output.getvalue()


def delete_files(ref: ImageRef) -> None:
    for name in [ref.original_name, *(name for name, _, _ in ref.rendition_names())]:
        try:
            default_storage.delete(name)
        except OSError as error:  # a file already gone, a storage hiccup: the row is gone either way
            logger.warning("Could not delete %s: %s", name, error)
