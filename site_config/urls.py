from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import editor_views

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("admin/", admin.site.urls),
    # Same names as markdownx.urls, so its widget finds them.
    path("markdownx/markdownify/", editor_views.PreviewView.as_view(), name="markdownx_markdownify"),
    path("markdownx/upload/", editor_views.UploadView.as_view(), name="markdownx_upload"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
