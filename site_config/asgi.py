import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.prod")

application = get_asgi_application()

# Fail at start, not with a 500 on every page: ASGI servers run no system checks.
from articles.checks import refuse_to_start_without_static_manifest  # noqa: E402

refuse_to_start_without_static_manifest()
