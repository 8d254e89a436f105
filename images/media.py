"""Library images under MEDIA_URL when the site serves its own media: read through the storage API
(whatever STORAGES holds), answered only as images, with the same headers as editor uploads."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import re_path
from django.views.decorators.http import require_safe

from articles.uploads import with_media_headers

from .models import Image
from .references import CONTENT_TYPES, FOLDER
from .renditions import make_renditions

_NAME_RE = r"(?P<key>[0-9a-f]{16})/(?P<name>(?:original|[1-9][0-9]{0,4})\.(?:jpg|png|gif|webp|avif))"


@require_safe
def serve_image(request, key: str, name: str):
    path = f"{FOLDER}/{key}/{name}"
    if not default_storage.exists(path):
        # A rendition the renderer names but storage lacks (widths or formats changed since the image
        # was added): made now, by this one request, and stored for everyone after.
        image = Image.objects.filter(key=key).first()
        if image is None or not make_renditions(image.ref, only=path):
            raise Http404("No such image.")
    response = FileResponse(default_storage.open(path, "rb"), content_type=CONTENT_TYPES[name.rpartition(".")[2]])
    # A key is the hash of the picture and a name its size and format: the bytes behind an address never change.
    return with_media_headers(response)


def media_urlpatterns() -> list:
    """The route of serve_image under MEDIA_URL; none when MEDIA_URL points at another host (a bucket)."""
    if urlsplit(settings.MEDIA_URL).netloc:
        return []
    prefix = re.escape(f"{settings.MEDIA_URL.lstrip('/')}{FOLDER}/")
    return [re_path(rf"^{prefix}{_NAME_RE}\Z", serve_image, name="media_image")]
