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


def test_generated_articles_show_on_pages_stored_before_they_were_added(client):
    # bulk_create sends no signals: the command itself must make stored pages and counts fresh.
    call_command("generate_articles", "30", stdout=StringIO())
    before = client.get("/")
    assert before["X-Page-Cache"] == "miss" and client.get("/")["X-Page-Cache"] == "hit"
    call_command("generate_articles", "30", "--seed", "2", stdout=StringIO())  # its topics and tags exist already
    newest = Article.objects.published().newest_first().first()
    after = client.get("/")
    assert after["X-Page-Cache"] == "miss"
    assert newest.get_absolute_url() in after.content.decode()
    assert client.get(newest.get_absolute_url()).status_code == 200
