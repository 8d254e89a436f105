from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy

from articles import editor_views, sitemaps, uploads
from images import media as image_media
from site_settings.models import current as current_settings

# The site settings' name (admin → Site settings), read afresh each time a page is drawn.
admin.site.site_header = admin.site.site_title = lazy(lambda: current_settings().site_name, str)()


def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static_url("favicon.svg"))


urlpatterns = [
    # Browsers and the admin ask for /favicon.ico whatever the page links.
    path("favicon.ico", favicon),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap-section"),
    path("admin/", admin.site.urls),
    # Same names as markdownx.urls, so its widget finds them.
    path("markdownx/markdownify/", editor_views.PreviewView.as_view(), name="markdownx_markdownify"),
    path("markdownx/upload/", editor_views.UploadView.as_view(), name="markdownx_upload"),
    # Uploaded images, in every environment: only image files of the upload folder, with safe headers.
    *uploads.media_urlpatterns(),
    *image_media.media_urlpatterns(),  # library images and their renditions
    path("", include("articles.urls")),
]
