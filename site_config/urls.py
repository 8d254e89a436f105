from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy

from articles import editor_views, sitemaps, uploads
from images import media as image_media
from site_config.failures import healthz
from site_settings.models import current as current_settings

handler400 = "site_config.failures.bad_request_or_too_large"
handler500 = "site_config.failures.server_error_or_unavailable"

# The site settings' name (admin → Site settings), read afresh each time a page is drawn.
admin.site.site_header = admin.site.site_title = lazy(lambda: current_settings().site_name, str)()


def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static_url("favicon.svg"))


urlpatterns = [
    # Browsers and the admin ask for /favicon.ico whatever the page links.
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap-section"),
    path(settings.ADMIN_URL, admin.site.urls),
    # Same names as markdownx.urls, so its widget finds them.
    path("markdownx/markdownify/", editor_views.PreviewView.as_view(), name="markdownx_markdownify"),
    path("markdownx/upload/", editor_views.UploadView.as_view(), name="markdownx_upload"),
    # Uploaded images, in every environment: only image files of the upload folder, with safe headers.
    *uploads.media_urlpatterns(),
    *image_media.media_urlpatterns(),  # library images and their renditions
    path("", include("articles.urls")),
]

if settings.PASSWORD_RESET_BY_EMAIL:
    # The admin's login page links "Forgotten your password?" when admin_password_reset resolves.
    _admin = settings.ADMIN_URL
    urlpatterns[:0] = [
        path(f"{_admin}password_reset/", auth_views.PasswordResetView.as_view(), name="admin_password_reset"),
        path(f"{_admin}password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
        path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
        path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    ]
