"""Pictures for the image tests, made in memory."""

import io

from django.core.files.base import ContentFile
from PIL import Image


def picture_bytes(size=(64, 48), fmt="JPEG", colour=(200, 80, 40), **options) -> bytes:
    image = Image.new("RGB", size, colour)
    image.paste((20, 120, 220), (0, 0, size[0] // 3, size[1] // 3))  # something to see, and to keep distinct
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def picture_file(name="photo.jpg", **kwargs) -> ContentFile:
    return ContentFile(picture_bytes(**kwargs), name=name)


def add_picture(size=(64, 48), alt_text="", **kwargs):
    from images.library import add_image

    image, _ = add_image(picture_file(size=size, **kwargs), alt_text=alt_text)
    return image
