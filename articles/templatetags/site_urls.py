"""`{% fixed_url "articles:feed" %}`: the address of a route without arguments, reversed once per process
(articles/addresses.py). Every public page links the same few addresses (home, topics, search, feeds)."""

from django import template

from articles.addresses import address

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    return address(name)
