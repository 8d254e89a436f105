"""How an article's Markdown refers to a library image, and where its files live. Pure: no database.

`![Alt text](image:3f2a9c0d1e7b4a56/1600x1067.jpg)`: the image's key (the start of the SHA-256 of its
stored bytes), its size and its format. The reference carries all the renderer needs, so turning a
body into HTML never queries the database, however many images it shows; the key stays the same
whatever storage or MEDIA_URL the site uses.

Files, through the storage API only: images/<key>/original.<ext>, and renditions beside it,
images/<key>/<width>.<format> (800.webp, 800.avif, 800.jpg).
"""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from PIL import features

SCHEME = "image:"
KEY_LENGTH = 16
_REFERENCE_RE = re.compile(
    rf"{SCHEME}([0-9a-f]{{{KEY_LENGTH}}})/([1-9][0-9]{{0,4}})x([1-9][0-9]{{0,4}})\.(jpg|png|gif|webp)"
)
# In a body, for finding references ("used in", alt text checks, exports).
REFERENCE_IN_TEXT_RE = re.compile(_REFERENCE_RE.pattern)
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
}
FOLDER = "images"


@cache
def modern_formats() -> tuple[str, ...]:
    """The formats offered before the original's, best first: AVIF when this Pillow can write it, and WebP."""
    return ("avif", "webp") if features.check("avif") else ("webp",)


@dataclass(frozen=True)
class ImageRef:
    key: str
    width: int
    height: int
    ext: str

    @classmethod
    def parse(cls, text: str) -> "ImageRef | None":
        match = _REFERENCE_RE.fullmatch(text.strip())
        if not match:
            return None
        key, width, height, ext = match.groups()
        return cls(key, int(width), int(height), ext)

    def __str__(self) -> str:
        return f"{SCHEME}{self.key}/{self.width}x{self.height}.{self.ext}"

    @property
    def folder(self) -> str:
        return f"{FOLDER}/{self.key}"

    @property
    def original_name(self) -> str:
        return f"{self.folder}/original.{self.ext}"

    @property
    def has_renditions(self) -> bool:
        return self.ext != "gif"  # animations would lose their frames: a GIF is served as it is

    def widths(self) -> list[int]:
        """Rendition widths: the configured ones narrower than the original, and the original's own
        when it is not wider than the largest; never wider than the original."""
        configured = sorted(settings.IMAGE_RENDITION_WIDTHS)
        widths = [width for width in configured if width < self.width]
        if self.width <= configured[-1]:
            widths.append(self.width)
        return widths

    def rendition_name(self, width: int, fmt: str) -> str:
        if fmt == self.ext and width == self.width:
            return self.original_name
        return f"{self.folder}/{width}.{fmt}"

    def height_at(self, width: int) -> int:
        return max(1, round(self.height * width / self.width))

    def rendition_names(self) -> list[tuple[str, int, str]]:
        """Every rendition file to make: (storage name, width, format)."""
        if not self.has_renditions:
            return []
        names = []
        for fmt in (*modern_formats(), self.ext):
            for width in self.widths():
                name = self.rendition_name(width, fmt)
                if name != self.original_name:
                    names.append((name, width, fmt))
        return names


def references_in(text: str) -> list[ImageRef]:
    """The library images a Markdown body refers to, in order, each once."""
    found = dict.fromkeys(ImageRef.parse(match.group()) for match in REFERENCE_IN_TEXT_RE.finditer(text or ""))
    return [ref for ref in found if ref is not None]
