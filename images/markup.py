"""The HTML of a library image: responsive, sized, lazy. Pure: no database, storage URLs only.

<picture> offers AVIF (when Pillow here writes it) and WebP renditions first, then the <img> with the
original format's renditions, which every browser reads. width and height reserve the space before
the file arrives (no layout shift); every image but the first of a page loads lazily.
"""

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils.html import escape

from .references import CONTENT_TYPES, ImageRef, modern_formats

# How wide an image is drawn: the page's column (.wrap in static/css/site.css, at most 46rem), else the screen.
BODY_SIZES = "(min-width: 48rem) 46rem, 100vw"
# The fallback <img src> for browsers without srcset, and link previews: about this wide.
FALLBACK_WIDTH = 1200


def picture_html(ref: ImageRef, alt: str, *, title: str = "", eager: bool = False, sizes: str = BODY_SIZES) -> str:
    url = default_storage.url
    attributes = {
        "alt": alt,
        "width": ref.width,
        "height": ref.height,
        "loading": "eager" if eager else "lazy",
        "decoding": "async",
    }
    if eager:
        attributes["fetchpriority"] = "high"  # the first image is often the largest paint
    if title:
        attributes["title"] = title
    if not ref.has_renditions:
        return _tag("img", {"src": url(ref.original_name), **attributes})
    widths = ref.widths()
    sources = [
        _tag("source", {"type": CONTENT_TYPES[fmt], "srcset": _srcset(ref, widths, fmt), "sizes": sizes})
        for fmt in modern_formats()
    ]
    img = _tag(
        "img",
        {
            "src": url(ref.rendition_name(_fallback_width(widths), ref.ext)),
            "srcset": _srcset(ref, widths, ref.ext),
            "sizes": sizes,
            **attributes,
        },
    )
    return f"<picture>{''.join(sources)}{img}</picture>"


@dataclass(frozen=True)
class SocialImage:
    url: str  # as the storage gives it: a path on this site, or an absolute URL on a media host
    width: int
    height: int
    alt: str = ""


def social_image(ref: ImageRef, alt: str = "") -> SocialImage:
    """The rendition link previews get (og:image, twitter:image, JSON-LD): about 1200 px wide, in the
    original's format, which every crawler reads."""
    if not ref.has_renditions:
        return SocialImage(default_storage.url(ref.original_name), ref.width, ref.height, alt)
    width = _fallback_width(ref.widths())
    return SocialImage(default_storage.url(ref.rendition_name(width, ref.ext)), width, ref.height_at(width), alt)


def _fallback_width(widths: list[int]) -> int:
    fitting = [width for width in widths if width <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else widths[0]


def _srcset(ref: ImageRef, widths: list[int], fmt: str) -> str:
    return ", ".join(f"{default_storage.url(ref.rendition_name(width, fmt))} {width}w" for width in widths)


def _tag(name: str, attributes: dict) -> str:
    text = " ".join(f'{key}="{escape(str(value))}"' for key, value in attributes.items())
    return f"<{name} {text}>"
