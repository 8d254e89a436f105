"""Images editors upload through the Markdown editor: checked, cleaned and stored, then served back as images only.

An upload is never stored as sent. Pillow must fully decode it as JPEG, PNG, GIF or WebP, and the pixels are
encoded again into a new file: EXIF (GPS), comments, text chunks, colour profiles and bytes appended after the
image do not survive. The stored name is random, with the extension of the format Pillow found, whatever the
client called the file or claimed it was; the media view below answers only with image types.
"""

import contextlib
import io
import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import re_path
from django.views.decorators.http import require_safe
from django.views.static import serve
from PIL import Image, ImageCms, ImageOps, ImageSequence, JpegImagePlugin

from .images_clean import is_bare_image

logger = logging.getLogger(__name__)

# The formats Pillow may even try, and the extension each is stored under. MPO is what Pillow calls a JPEG
# carrying extra frames (phones put depth maps there): stored as a plain JPEG of its main picture.
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
SAVE_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
# The only types the media view answers with ("jpeg": files stored before uploads were re-encoded).
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}
# Pillow hands out every frame of these whole (already composed), so they can be encoded again frame by frame.
ANIMATED_FORMATS = {"GIF", "PNG", "WEBP"}
# Each frame costs a decode and an encode however small it is: bound the work a long animation can ask for.
MAX_FRAMES = 1000
SRGB = ImageCms.createProfile("sRGB")

NOT_AN_IMAGE = "This file is not a JPEG, PNG, GIF or WebP image."
SVG = "SVG images are not accepted, as they can carry scripts: export it as PNG or WebP."
DAMAGED = "This image is damaged or incomplete and could not be read."


def clean_image(upload) -> tuple[bytes, str]:
    """The bytes to store for an image file, and their extension; ValidationError when it is refused.

    The file must decode fully within the size and pixel limits. A file that carries nothing but the
    picture (see images_clean.is_bare_image: no metadata, profile or trailing bytes) is kept byte for
    byte, so storing our own output again (an export imported elsewhere) gives the same bytes;
    anything else is the re-encoding.
    """
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        raise ValidationError(
            f"The file is {_mb(upload.size)}; an image may be at most {_mb(settings.MARKDOWNX_UPLOAD_MAX_SIZE)}."
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    data, extension = _reencode(upload, head)
    upload.seek(0)
    original = upload.read()
    if extension != "gif" and is_bare_image(original, extension):
        return original, extension
    return data, extension


def _reencode(upload, head: bytes) -> tuple[bytes, str]:
    max_pixels = settings.UPLOAD_MAX_PIXELS
    if Image.MAX_IMAGE_PIXELS:  # Pillow warns above its own limit and refuses at twice that: never get there.
        max_pixels = min(max_pixels, Image.MAX_IMAGE_PIXELS)
    try:
        # Reads the header only; nothing is decoded yet.
        image = Image.open(upload, formats=["JPEG", "PNG", "GIF", "WEBP"])
        extension = EXTENSIONS[image.format]
        frames, durations = _decode(image, max_pixels)
        if len(frames) == 1:
            # Cameras store pictures sideways with an orientation tag; the tag goes with the EXIF: turn the pixels.
            ImageOps.exif_transpose(frames[0], in_place=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(f"The image is larger than {_megapixels(max_pixels)}.") from error
    except Image.UnidentifiedImageError as error:
        if b"<svg" in head.lower():
            raise ValidationError(SVG) from error
        raise ValidationError(NOT_AN_IMAGE) from error
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError, struct.error, ...
        logger.info("Upload could not be decoded: %r", error)
        raise ValidationError(DAMAGED) from error

    icc_profile = image.info.get("icc_profile")
    frames = [_clean(frame, icc_profile, extension) for frame in frames]

    options = {}
    if extension == "jpg" and getattr(image, "quantization", None):
        # Re-use the original's quantisation tables (what quality="keep" does): about the same quality and size.
        options = {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image)}
    elif extension == "jpg":
        options = {"quality": 90}
    elif extension == "webp":
        # A simple-format lossless WebP stays lossless; anything else is re-encoded lossy at high quality.
        options = {"lossless": head[12:16] == b"VP8L", "quality": 90}
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:], duration=durations)
        if "loop" in image.info:  # no loop count means "play once"
            options["loop"] = image.info["loop"]
        if extension == "gif":
            options["disposal"] = 2  # each frame is whole: clear the canvas before drawing it (keeps transparency)
    output = io.BytesIO()
    frames[0].save(output, SAVE_FORMATS[extension], **options)
    return output.getvalue(), extension


def _decode(image: Image.Image, max_pixels: int) -> tuple[list[Image.Image], list[int]]:
    """Every frame fully decoded (an animation's frames all count toward max_pixels), and their durations."""
    animated = image.format in ANIMATED_FORMATS and getattr(image, "is_animated", False)
    frames, durations, pixels = [], [], 0
    for index, frame in enumerate(ImageSequence.Iterator(image) if animated else [image]):
        # The size comes from the header (for a GIF frame, may grow it): count before decoding anything.
        pixels += frame.width * frame.height
        if index == 0 and pixels > max_pixels:
            raise ValidationError(
                f"The image is {frame.width}×{frame.height} pixels ({_megapixels(pixels)}); "
                f"the limit is {_megapixels(max_pixels)}."
            )
        if pixels > max_pixels or index >= MAX_FRAMES:
            raise ValidationError(
                f"The animation is too large: its frames add up to more than {_megapixels(max_pixels)} "
                f"or {MAX_FRAMES} frames. Make it shorter or smaller."
            )
        frame.load()  # really decodes: a damaged or truncated file fails here
        durations.append(frame.info.get("duration", 0))
        frames.append(frame.copy() if animated else frame)  # the iterator re-uses one object for all frames
    return frames, durations


def _clean(frame: Image.Image, icc_profile: bytes | None, extension: str) -> Image.Image:
    """The frame's pixels in a mode its format can store, in sRGB, with no metadata but transparency."""
    if icc_profile and frame.mode in ("RGB", "RGBA", "CMYK"):
        # The profile is dropped with the rest; convert to the sRGB that browsers assume for untagged images
        # (phones' Display P3, print CMYK) so colours stay right. A profile lcms cannot use is ignored.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError):
            frame = ImageCms.profileToProfile(
                frame, io.BytesIO(icc_profile), SRGB, outputMode="RGBA" if frame.mode == "RGBA" else "RGB"
            )
    if extension == "jpg" and frame.mode not in ("L", "RGB"):
        frame = frame.convert("RGB")  # CMYK JPEGs display poorly or not at all in browsers
    frame.info = {key: value for key, value in frame.info.items() if key == "transparency"}
    return frame


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g} megapixels"


def _upload_folder() -> str:
    return settings.MARKDOWNX_MEDIA_PATH.strip("/")


@require_safe
def serve_upload(request, name: str):
    """An uploaded image from MEDIA_ROOT's upload folder, as an image and nothing else.

    Upload names are random and never reused, so browsers and proxies may keep them for good.
    """
    content_type = CONTENT_TYPES.get(name.rpartition(".")[2].lower())
    if content_type is None:
        raise Http404("Only images are served from here.")
    # serve() refuses anything outside document_root and directories, and answers If-Modified-Since with a 304.
    response = serve(request, name, document_root=Path(settings.MEDIA_ROOT) / _upload_folder())
    if response.status_code == 200:
        response["Content-Type"] = content_type  # by our allow-list, not by mimetypes' guess
    return with_media_headers(response)


def with_media_headers(response):
    """Headers for every media file we serve: its bytes never change behind its address, and they are inert."""
    response["X-Content-Type-Options"] = "nosniff"
    # Should a file ever be opened as a document, it may load nothing and run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def media_urlpatterns() -> list:
    """The route of serve_upload under MEDIA_URL; none when MEDIA_URL points at another host."""
    if urlsplit(settings.MEDIA_URL).netloc:
        return []
    prefix = re.escape(f"{settings.MEDIA_URL.lstrip('/')}{_upload_folder()}/")
    # One path segment of plain characters: no "/", no "..", nothing for traversal to work with.
    return [re_path(rf"^{prefix}(?P<name>[A-Za-z0-9_-]+\.[A-Za-z0-9]+)\Z", serve_upload, name="media_upload")]
