"""The public pages' addresses, each reversed once per process.

reverse() walks the URL resolver for every call: a list page reversed about twenty addresses (its
articles, topics and tags) for a tenth of its uncached time. An address depends only on the route, its
slug and the script prefix a request may set (gunicorn's SCRIPT_NAME), so those are the key; a slug
that does not fit the route still raises NoReverseMatch, as reverse() does, and is not remembered.
"""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

REMEMBERED = 2048  # the hot addresses of a large site, not every article's: 0.6 MB when full (measured)


def address(name: str, slug: str | None = None) -> str:
    """reverse(name) or reverse(name, kwargs={"slug": slug}), remembered."""
    return _reversed(name, slug, get_script_prefix())


@functools.lru_cache(maxsize=REMEMBERED)
def _reversed(name: str, slug: str | None, script_prefix: str) -> str:
    return reverse(name) if slug is None else reverse(name, kwargs={"slug": slug})


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
