from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse

from .models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to its form, and it can be neither added twice nor deleted."""

    fieldsets = [
        ("Identity", {"fields": ["site_name", "tagline", "default_description"]}),
        ("Publisher (for search engines)", {"fields": ["publisher_name", "publisher_logo"]}),
        ("Every page", {"fields": ["footer_text", "contact_line", "social_image"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        SiteSettings.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:site_settings_sitesettings_change", args=[1]))
