"""The article page with the page cache off (PAGE_CACHE=0): the links around an article are stored per
version (articles/around.py), yet every change to another article shows on the next request."""

import random
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from articles import reading
from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(settings):
    settings.PAGE_CACHE_ENABLED = False  # read when the client's handler loads the middleware (first request)
    return Client()


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def page(reader, article):
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200 and "X-Page-Cache" not in response
    return BeautifulSoup(response.content, "lxml")


def links(reader, article) -> dict:
    html = page(reader, article)
    prev, next_ = html.select_one("a[rel=prev] span[dir]"), html.select_one("a[rel=next] span[dir]")
    return {
        "previous": prev.get_text() if prev else None,
        "next": next_.get_text() if next_ else None,
        "related": [a.get_text() for a in html.select(".related a")],
    }


def test_related_is_the_best_scored_of_every_public_article(make_article):
    """Only some articles are scored (reading.related); the result is the same as scoring them all."""
    rng = random.Random(13)
    topics = [Topic.objects.create(name=f"Topic {n}") for n in range(3)]
    tags = [Tag.objects.create(name=f"tag {n}") for n in range(6)]
    for n in range(60):
        make_article(
            title=f"Article {n}",
            topic=rng.choice([*topics, None]),
            tags=rng.sample(tags, rng.randint(0, 3)),
            published_at=days_ago(rng.randint(0, 30)),  # ties on the day too
            status=rng.choice([Article.Status.PUBLISHED] * 4 + [Article.Status.DRAFT]),
        )
    public = list(Article.objects.published().prefetch_related("tags"))
    for article in public:
        tag_ids = {tag.pk for tag in article.tags.all()}

        def score(other, article=article, tag_ids=tag_ids):
            shared = len(tag_ids & {tag.pk for tag in other.tags.all()})
            same_topic = article.topic_id is not None and other.topic_id == article.topic_id
            return (shared + same_topic, other.published_at, other.pk)

        expected = sorted((other for other in public if other != article), key=score, reverse=True)[:3]
        assert reading.related(article, list(tag_ids)) == expected, article.title


def test_links_follow_changes_to_other_articles_on_the_next_request(reader, make_article):
    sleep, calm = Tag.objects.create(name="sleep"), Tag.objects.create(name="calm")
    older = make_article(title="Older", published_at=days_ago(3))
    article = make_article(title="Middle", tags=[sleep, calm], published_at=days_ago(2))
    newer = make_article(title="Newer", published_at=days_ago(1))
    make_article(title="Sleep too", tags=[sleep], published_at=days_ago(10))
    assert links(reader, article) == {"previous": "Older", "next": "Newer", "related": ["Sleep too", "Newer", "Older"]}

    older.title = "Older, renamed"
    older.save()
    assert links(reader, article)["previous"] == "Older, renamed"

    newer.status = Article.Status.DRAFT
    newer.save()
    assert links(reader, article)["next"] is None

    both = make_article(title="Both tags", published_at=days_ago(20))
    both.tags.set([sleep, calm])
    assert links(reader, article)["related"] == ["Both tags", "Sleep too", "Older, renamed"]

    Article.objects.filter(pk=both.pk).update(title="Both tags, updated")
    assert links(reader, article)["related"][0] == "Both tags, updated"

    both.tags.remove(calm)  # from the other article's side
    calm_fan = make_article(title="Calm fan", tags=[calm], published_at=days_ago(30))
    assert links(reader, article)["related"] == ["Sleep too", "Both tags, updated", "Calm fan"]

    article.tags.set([calm])  # the article's own tags
    assert links(reader, article)["related"][0] == calm_fan.title


def test_a_scheduled_neighbour_appears_at_its_time_without_a_save(reader, make_article, monkeypatch):
    article = make_article(title="Today", published_at=days_ago(1))
    scheduled = make_article(title="Tomorrow", published_at=timezone.now() + timedelta(hours=2))
    scheduled.refresh_from_db()
    assert links(reader, article)["next"] is None
    assert links(reader, article)["next"] is None  # stored, still right
    monkeypatch.setattr(timezone, "now", lambda: scheduled.published_at + timedelta(seconds=1))
    assert links(reader, article)["next"] == "Tomorrow"


def test_a_preview_of_a_draft_shows_no_links_and_stores_none(admin_client, settings, make_article):
    settings.PAGE_CACHE_ENABLED = False
    make_article(title="Public", published_at=days_ago(1))
    draft = make_article(title="Draft", status=Article.Status.DRAFT)
    html = BeautifulSoup(admin_client.get(draft.get_absolute_url()).content, "lxml")
    assert html.select_one(".preview-banner") and not html.select_one("nav.article-nav, .related")


def build(make_article, count: int) -> Article:
    topic, tags = Topic.objects.create(name="Care"), [Tag.objects.create(name=n) for n in ("Calm", "Sleep")]
    for n in range(count):
        make_article(title=f"Note {n}", topic=topic, tags=tags, published_at=days_ago(n + 1))
    return Article.objects.get(title="Note 2")


@pytest.mark.parametrize("count", [5, 50])
def test_at_most_3_queries_drawn_and_1_stored_however_many_articles(
    reader, make_article, django_assert_num_queries, count
):
    article = build(make_article, count)
    reader.get("/robots.txt")  # process-wide caches warm (the Site row), as on a running server
    with django_assert_num_queries(3):  # the article with previous and next, its tags, related
        assert reader.get(article.get_absolute_url()).status_code == 200
    with django_assert_num_queries(1):  # the article; its tags and the links around it stored
        assert reader.get(article.get_absolute_url()).status_code == 200


def test_the_articles_own_tags_follow_every_change_on_the_next_request(reader, make_article):
    sleep = Tag.objects.create(name="sleep")
    article = make_article(title="Tagged", tags=[sleep])

    def tags():
        return [a.get_text() for a in page(reader, article).select(".tags a")]

    assert tags() == ["sleep"]
    sleep.name = "rest"
    sleep.save()
    assert tags() == ["rest"]
    Tag.objects.create(name="calm").articles.add(article)  # from the tag's side
    assert tags() == ["calm", "rest"]
    article.tags.remove(sleep)
    assert tags() == ["calm"]


def test_with_the_page_cache_off_an_unchanged_page_still_answers_304(reader, make_article):
    article = make_article(title="Unchanged")
    first = reader.get(article.get_absolute_url())
    assert first.status_code == 200 and first["ETag"]
    again = reader.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
