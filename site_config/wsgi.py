import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.prod")

application = get_wsgi_application()

# Stored pages are answered in front of Django's handler (articles/page_cache.py).
from articles.page_cache import StoredPagesApp  # noqa: E402

application = StoredPagesApp(application)

# Fail at start, not with a 500 on every page: gunicorn runs no system checks.
from articles.checks import refuse_to_start_without_static_manifest  # noqa: E402

refuse_to_start_without_static_manifest()
