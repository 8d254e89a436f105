from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article

SEEDS = Path(__file__).resolve().parent.parent / "sample_content"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_article(db):
    def make(**fields):
        fields.setdefault("title", "An article")
        fields.setdefault("body", "Some text.")
        fields.setdefault("status", Article.Status.PUBLISHED)
        if fields["status"] == Article.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
        tags = fields.pop("tags", [])
        article = Article.objects.create(**fields)
        if tags:
            article.tags.set(tags)
        return article

    return make


@pytest.fixture
def editor(django_user_model):
    """Staff who may change articles, but is not a superuser."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["change_article", "add_article", "view_article"]))
    return user


@pytest.fixture
def seed_dir():
    return SEEDS
