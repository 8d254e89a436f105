"""Query budgets of the public pages: constant whatever the number of articles, none when stored."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import page_cache
from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "/",
    "/?page=2",
    "/topics/",
    "/topics/care/",
    "/tags/calm/",
    "/search/?q=therapy",
    "/feed/",
    "/feed/atom/",
    "/topics/care/feed/",
    "/tags/calm/feed/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/robots.txt",
]


def build_site(make_article, count: int) -> None:
    topic, tags = Topic.objects.create(name="Care"), [Tag.objects.create(name=n) for n in ("Calm", "Sleep")]
    for n in range(count):
        make_article(
            title=f"Therapy note {n}",
            body=f"Therapy words {n}.\n\n## One\n\ntext\n\n## Two\n\ntext\n\n## Three\n\ntext",
            topic=topic,
            tags=tags,
            published_at=timezone.now() - timedelta(days=n + 1),
        )
    make_article(title="Draft", status=Article.Status.DRAFT, topic=topic, tags=tags)


def queries(client, url) -> int:
    client.get(url)  # process-wide caches warm (the Site row), as on a running server
    page_cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_list_feed_sitemap_and_search_pages_take_the_same_queries_for_11_and_50_articles(client, make_article):
    build_site(make_article, 11)  # two pages of the list
    few = {url: queries(client, url) for url in LIST_PAGES}
    for n in range(11, 50):
        make_article(title=f"More {n}", topic=Topic.objects.get(), tags=list(Tag.objects.all()))
    many = {url: queries(client, url) for url in LIST_PAGES}
    assert many == few


def test_an_article_page_takes_at_most_3_queries_drawn_and_none_stored(
    client, make_article, django_assert_max_num_queries, django_assert_num_queries
):
    build_site(make_article, 5)
    with django_assert_max_num_queries(3):  # the article with previous and next, its tags, related articles
        assert client.get("/articles/therapy-note-2/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/articles/therapy-note-2/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("url", LIST_PAGES)
def test_every_stored_public_page_is_served_without_a_query(client, make_article, django_assert_num_queries, url):
    build_site(make_article, 11)
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"
