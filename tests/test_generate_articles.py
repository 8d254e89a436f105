from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_generate_articles_builds_a_browsable_site(client):
    call_command("generate_articles", "60", stdout=StringIO())
    assert Article.objects.count() == 60
    public = Article.objects.published()
    assert 40 <= public.count() < 60
    assert Article.objects.drafts().exists() and Article.objects.scheduled().exists()
    assert Article.objects.trashed().exists()
    article = public.first()
    assert article.tags.exists() and article.topic and "<p>" in article.body_html
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(f"/search/?q={article.title.split()[0]}").status_code == 200
    assert client.get(article.topic.get_absolute_url()).status_code == 200


def test_generate_articles_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_articles", "0")
