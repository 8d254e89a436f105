"""Adding pictures to the media library: the one write path for the editor's uploads and for imports."""

import hashlib
import io
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from PIL import Image as PILImage

from articles.uploads import clean_image

from .models import Image
from .references import KEY_LENGTH, ImageRef
from .renditions import make_renditions


def add_image(
    file, *, name: str = "", uploaded_by=None, alt_text: str = "", caption: str = "", credit: str = ""
) -> tuple[Image, bool]:
    """The library image for `file` (a Django File or upload) and whether it is new.

    The same picture added again is the image already there, found by the hash of the bytes as
    sent or as stored; its empty alt text, caption and credit are filled from this call. A new
    one is cleaned (articles.uploads.clean_image), stored, and gets its renditions before its row
    is saved, so a reader never meets an image without them. Raises ValidationError, with a
    message naming the problem, for a file that is not an acceptable image.
    """
    details = {"alt_text": alt_text.strip(), "caption": caption.strip(), "credit": credit.strip()}
    source_hash = _sha256(_read_within_limit(file))
    existing = Image.objects.filter(Q(source_hash=source_hash) | Q(content_hash=source_hash)).first()
    if existing:
        return _fill_blanks(existing, details), False
    data, extension = clean_image(file)
    content_hash = _sha256(data)
    existing = Image.objects.filter(content_hash=content_hash).first()
    if existing:
        return _fill_blanks(existing, details), False
    picture = PILImage.open(io.BytesIO(data))
    picture.load()
    ref = ImageRef(content_hash[:KEY_LENGTH], picture.width, picture.height, extension)
    if not default_storage.exists(ref.original_name):  # left by an import that was rolled back: the same bytes
        default_storage.save(ref.original_name, ContentFile(data))
    make_renditions(ref, picture)
    image = Image(
        file=ref.original_name,
        key=ref.key,
        content_hash=content_hash,
        source_hash=source_hash,
        original_name=PurePosixPath(name or getattr(file, "name", "") or "").name[:255],
        width=ref.width,
        height=ref.height,
        format=extension,
        uploaded_by=uploaded_by,
        **details,
    )
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:  # the same picture, added at the same moment by another request
        return Image.objects.get(content_hash=content_hash), False
    return image, True


def _read_within_limit(file) -> bytes:
    if file.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        clean_image(file)  # refuses it, with the message editors see, before anything is read
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def _fill_blanks(image: Image, details: dict) -> Image:
    changed = [field for field, value in details.items() if value and not getattr(image, field)]
    for field in changed:
        setattr(image, field, details[field])
    if changed:
        image.save(update_fields=changed)
    return image


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
