"""Local development (manage.py's default). DEBUG is on unless the environment says otherwise;
production sets DJANGO_SETTINGS_MODULE=site_config.settings.prod, where it is off unless set."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
