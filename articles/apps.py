from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, page_invalidation, search  # noqa: F401  (registers the system checks)

        search.connect_signals()
        page_invalidation.connect_signals()
