"""Which files uploads may keep byte for byte (articles/images_clean.py): the picture and nothing else."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image, PngImagePlugin

from articles.images_clean import is_bare_image
from articles.uploads import clean_image

from .image_helpers import picture_bytes


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    return exif.tobytes()


@pytest.mark.parametrize(("fmt", "ext"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_pillows_plain_output_is_bare_and_kept_as_it_is(fmt, ext, settings):
    data = picture_bytes((120, 80), fmt)
    assert is_bare_image(data, ext)
    assert clean_image(ContentFile(data, name=f"x.{ext}")) == (data, ext)


@pytest.mark.parametrize(
    ("data", "ext"),
    [
        (picture_bytes(fmt="JPEG", exif=_exif()), "jpg"),
        (picture_bytes(fmt="JPEG", comment=b"secret"), "jpg"),
        (picture_bytes(fmt="JPEG", icc_profile=b"\0" * 200), "jpg"),
        (picture_bytes(fmt="JPEG") + b"<script>alert(1)</script>", "jpg"),
        (picture_bytes(fmt="WEBP", exif=_exif()), "webp"),
        (picture_bytes(fmt="WEBP") + b"trailing", "webp"),
        (picture_bytes(fmt="PNG") + b"trailing", "png"),
        (picture_bytes(fmt="JPEG")[:-200], "jpg"),
    ],
    ids=["jpeg-exif", "jpeg-comment", "jpeg-icc", "jpeg-trailing", "webp-exif", "webp-trailing", "png-trailing", "cut"],
)
def test_anything_more_than_the_picture_is_not_bare(data, ext):
    assert not is_bare_image(data, ext)


def test_a_jfif_thumbnail_is_not_bare():
    data = picture_bytes(fmt="JPEG")
    assert data[2:4] == b"\xff\xe0" and data[6:11] == b"JFIF\x00" and data[18:20] == b"\x00\x00"  # no thumbnail
    # The same header announcing a 2x1 RGB thumbnail (6 bytes of pixels) after its fixed fields.
    with_thumbnail = data[:4] + (16 + 6).to_bytes(2, "big") + data[6:18] + b"\x02\x01" + b"\x80" * 6 + data[20:]
    assert is_bare_image(data, "jpg")
    assert not is_bare_image(with_thumbnail, "jpg")


def test_a_png_text_chunk_is_not_bare_and_is_re_encoded_away():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone at 12 Main St")
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buffer, "PNG", pnginfo=info)
    assert not is_bare_image(buffer.getvalue(), "png")
    stored, ext = clean_image(ContentFile(buffer.getvalue(), name="x.png"))
    assert ext == "png" and b"Main St" not in stored and is_bare_image(stored, "png")


def test_a_re_encoded_jpeg_is_bare_so_storing_it_again_changes_nothing():
    stored, _ = clean_image(ContentFile(picture_bytes((200, 100), exif=_exif()), name="x.jpg"))
    assert is_bare_image(stored, "jpg")
    assert clean_image(ContentFile(stored, name="again.jpg"))[0] == stored
