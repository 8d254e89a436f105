from django.apps import AppConfig


class SiteSettingsConfig(AppConfig):
    name = "site_settings"
    verbose_name = "Site settings"
    default_auto_field = "django.db.models.BigAutoField"
