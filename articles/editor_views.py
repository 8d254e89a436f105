"""django-markdownx's preview and upload endpoints, for staff who may change articles only.

markdownx's own views answer anyone and render with whatever function is configured;
these wrap them so the preview is our sanitised renderer and anonymous visitors get 403.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest
from django.views import View
from markdownx.views import ImageUploadView

from .markdown import render_markdown

EDITOR_PERMISSIONS = ("articles.add_article", "articles.change_article")


class StaffEditorMixin(PermissionRequiredMixin):
    """Staff who may add or change articles: everyone who sees the editor."""

    raise_exception = True  # 403, not a redirect to a login page, for an XHR endpoint

    def has_permission(self):
        user = self.request.user
        return user.is_staff and any(user.has_perm(permission) for permission in EDITOR_PERMISSIONS)


class PreviewView(StaffEditorMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Send the Markdown as the 'content' field.")
        return HttpResponse(render_markdown(request.POST["content"]))


class UploadView(StaffEditorMixin, ImageUploadView):
    http_method_names = ["post"]
