"""Editors' sessions live in the database, not in the cache: with several app servers sharing Redis, a
Redis restart or eviction must not sign everyone out (readers have no session, so this costs them nothing)."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_signed_in_editor_stays_signed_in_when_every_cache_is_emptied(client, admin_user):
    client.force_login(admin_user)
    for alias in settings.CACHES:
        caches[alias].clear()
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
