"""Public counts kept per version of the site (articles/pagination.py `public_count`), with the page cache off:
every change to what is public shows in the lists' page counts and the sitemap index on the next request."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import trash
from articles.models import Article, Tag, Topic
from articles.sitemaps import PublicSitemap
from articles.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(settings):
    settings.PAGE_CACHE_ENABLED = False  # read when the client's handler loads the middleware (first request)
    return Client()


def pages(reader, url: str) -> int:
    """How many pages the list at `url` says it has (one when it is not paginated)."""
    response = reader.get(url)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    found = re.search(r"Page 1 of (\d+)", response.content.decode())
    return int(found.group(1)) if found else 1


def days_ago(n):
    return timezone.now() - timedelta(days=n)


@pytest.fixture
def full_page(make_article):
    """One list page's worth of public articles, all with one topic and one tag: one more makes two pages."""
    topic, tag = Topic.objects.create(name="Care"), Tag.objects.create(name="Calm")
    for n in range(PAGE_SIZE):
        make_article(title=f"Note {n}", topic=topic, tags=[tag], published_at=days_ago(n + 1))
    return topic, tag


LISTS = ["/", "/topics/care/", "/tags/calm/"]


def counts(reader) -> list[int]:
    return [pages(reader, url) for url in LISTS]


def test_the_page_counts_follow_a_newly_published_article(reader, full_page, make_article):
    topic, tag = full_page
    assert counts(reader) == [1, 1, 1]
    assert counts(reader) == [1, 1, 1]  # stored, still right
    draft = make_article(title="Draft", status=Article.Status.DRAFT, topic=topic, tags=[tag])
    assert counts(reader) == [1, 1, 1]
    draft.publish()
    draft.save()
    assert counts(reader) == [2, 2, 2]
    draft.status = Article.Status.DRAFT
    draft.save()
    assert counts(reader) == [1, 1, 1]


def test_the_page_counts_follow_a_scheduled_article_at_its_time_without_a_save(
    reader, full_page, make_article, monkeypatch
):
    topic, tag = full_page
    scheduled = make_article(title="Later", topic=topic, tags=[tag], published_at=timezone.now() + timedelta(hours=2))
    assert counts(reader) == [1, 1, 1]
    later = scheduled.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert counts(reader) == [2, 2, 2]


def test_the_page_counts_follow_the_trash_and_a_restore(reader, full_page, make_article):
    topic, tag = full_page
    extra = make_article(title="Extra", topic=topic, tags=[tag])
    assert counts(reader) == [2, 2, 2]
    trash.move_to_trash([extra], user=None)
    assert counts(reader) == [1, 1, 1]
    trash.restore_from_trash([extra])
    assert counts(reader) == [2, 2, 2]


def test_the_page_counts_follow_bulk_updates_and_tag_and_topic_changes(reader, full_page, make_article):
    topic, tag = full_page
    extra = make_article(title="Extra")
    assert counts(reader) == [2, 1, 1]
    Article.objects.filter(pk=extra.pk).update(topic=topic)
    assert counts(reader) == [2, 2, 1]
    extra.tags.add(tag)
    assert counts(reader) == [2, 2, 2]
    tag.articles.remove(extra)  # from the tag's side
    assert counts(reader) == [2, 2, 1]
    Article.objects.filter(pk=extra.pk).update(status=Article.Status.DRAFT)
    assert counts(reader) == [1, 1, 1]


def test_a_term_page_and_feed_answer_404_from_its_stored_count_as_its_last_public_article_comes_and_goes(
    reader, make_article
):
    """A topic or tag is named to the public only while it has a public article (TermQuerySet.public()); its page
    and feed decide it from the stored count (pagination.public_term_or_404), which must follow every change."""
    only = make_article(
        title="Only one", topic=Topic.objects.create(name="Rare"), tags=[Tag.objects.create(name="Odd")]
    )
    addresses = ["/topics/rare/", "/topics/rare/feed/", "/tags/odd/", "/tags/odd/feed/"]
    assert [reader.get(url).status_code for url in addresses] == [200] * 4
    Article.objects.filter(pk=only.pk).update(status=Article.Status.DRAFT)
    assert [reader.get(url).status_code for url in addresses] == [404] * 4
    Article.objects.filter(pk=only.pk).update(status=Article.Status.PUBLISHED)
    assert [reader.get(url).status_code for url in addresses] == [200] * 4
    trash.move_to_trash([Article.objects.get(pk=only.pk)], user=None)
    assert [reader.get(url).status_code for url in addresses] == [404] * 4


def test_the_page_counts_follow_an_import(reader, full_page, run_import, write):
    assert counts(reader) == [1, 1, 1]
    run_import(write("page.txt", "A title\n\nA title\n\nThe first paragraph of the body.\n\ncalm\n\nAbout care\n"))
    assert Article.objects.published().count() == PAGE_SIZE + 1
    assert counts(reader) == [2, 2, 2]


def test_the_sitemap_index_follows_a_newly_published_article(reader, make_article, monkeypatch):
    monkeypatch.setattr(PublicSitemap, "limit", 2)
    tags = [Tag.objects.create(name=f"Tag {n}") for n in range(3)]
    first = make_article(title="First", tags=tags[:1])
    make_article(title="Second", tags=tags[1:2])

    def files():
        response = reader.get("/sitemap.xml")
        assert response.status_code == 200
        return re.findall(r"<loc>http://testserver/(sitemap-[^<]+)</loc>", response.content.decode())

    assert files() == [] and files() == []  # one urlset while every section fits one file
    make_article(title="Third", tags=tags[2:])
    assert files() == [
        "sitemap-home.xml",
        "sitemap-articles.xml",
        "sitemap-articles.xml?p=2",
        "sitemap-topics.xml",
        "sitemap-tags.xml",
        "sitemap-tags.xml?p=2",
    ]
    tag_files = [reader.get(f"/sitemap-tags.xml?p={n}").content.decode() for n in (1, 2)]
    listed = re.findall(r"<loc>http://testserver/tags/([^/]+)/</loc>", "".join(tag_files))
    assert listed == [tag.slug for tag in tags]
    first.status = Article.Status.DRAFT
    first.save()
    assert files() == []


@pytest.mark.parametrize("url", [*LISTS, "/?page=2", "/sitemap.xml"])
def test_a_stored_count_is_not_counted_again(reader, full_page, make_article, url):
    make_article(title="Eleventh")  # two pages of the home list
    reader.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert reader.get(url).status_code == 200
    assert not [query["sql"] for query in captured if "COUNT(" in query["sql"].upper()]
