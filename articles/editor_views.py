"""django-markdownx's preview and upload endpoints, for staff who may change articles only.

markdownx's own views answer anyone and render with whatever function is configured;
these replace them so the preview is our sanitised renderer, uploads are cleaned images
(articles/uploads.py), and anonymous visitors get 403.
"""

import logging

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.utils.html import format_html
from django.views import View

from images.alt_text import ALT_PLACEHOLDER
from images.library import add_image

from .markdown import render_markdown
from .models import validate_body_size

logger = logging.getLogger(__name__)

EDITOR_PERMISSIONS = ("articles.add_article", "articles.change_article")


class StaffEditorMixin(PermissionRequiredMixin):
    """Staff who may add or change articles: everyone who sees the editor."""

    raise_exception = True  # 403, not a redirect to a login page, for an XHR endpoint

    def has_permission(self):
        user = self.request.user
        return user.is_staff and any(user.has_perm(permission) for permission in EDITOR_PERMISSIONS)


class PreviewView(StaffEditorMixin, View):
    """The preview pane's HTML. markdownx puts whatever comes back into the pane, so every answer is a fragment."""

    http_method_names = ["post"]

    def handle_no_permission(self):
        return HttpResponseForbidden(_notice("No preview: your session may have ended. Log in again in another tab."))

    def post(self, request):
        if "content" not in request.POST:
            return HttpResponseBadRequest(_notice("Send the Markdown as the 'content' field."))
        content = request.POST["content"]
        try:
            validate_body_size(content)
        except ValidationError as error:  # shown now, not first on Save
            return HttpResponse(_notice(f"This cannot be saved: {error.messages[0]}") + render_markdown(content))
        return HttpResponse(render_markdown(content))


def _notice(message: str) -> str:
    return format_html('<p class="errornote" role="alert">{}</p>', message)


class UploadView(StaffEditorMixin, View):
    """Adds the dropped image to the media library (images.library.add_image: the same picture twice is one
    image) and answers markdownx's JS with {"image_code": "![Describe the image](image:…)"}, or {"error": message}.

    markdownx.js parses every answer as JSON, whatever its status, so refusals are JSON too;
    articles/static/articles/editor_uploads.js shows the message beside the editor, and alt_text_prompt.js asks
    for the description that replaces the placeholder alt text.
    """

    http_method_names = ["post"]

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("images.add_image")

    def handle_no_permission(self):
        return JsonResponse({"error": "You may not upload images. Are you still logged in?"}, status=403)

    def post(self, request):
        upload = request.FILES.get("image")
        if upload is None:
            return JsonResponse({"error": "Send the image as the 'image' field."}, status=400)
        try:
            image, _ = add_image(upload, name=upload.name, uploaded_by=request.user)
        except ValidationError as error:
            logger.info("Image upload by %s refused: %s", request.user, error.messages[0])
            return JsonResponse({"error": error.messages[0]}, status=400)
        return JsonResponse({"image_code": image.markdown(alt=image.alt_text or ALT_PLACEHOLDER)})
