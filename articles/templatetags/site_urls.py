"""`{% fixed_url "articles:feed" %}`: the address of a route without arguments, reversed once per process.

Every public page links the same few addresses (home, topics, search, feeds); reversing them for each
page cost about a tenth of an uncached article page's time.
"""

import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_script_prefix())


@functools.lru_cache(maxsize=64)
def _reversed(name: str, script_prefix: str) -> str:  # keyed by the prefix: reverse() starts with it
    return reverse(name)


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
