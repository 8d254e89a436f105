"""A topic or tag is public only while at least one public article uses it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Tag, Topic
from articles.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

SECRET = "Unannounced product"


@pytest.fixture
def topic():
    return Topic.objects.create(name=SECRET, slug="unannounced")


@pytest.fixture
def tag():
    return Tag.objects.create(name=SECRET, slug="unannounced")


def later():
    return timezone.now() + timedelta(days=2)


def assert_not_found(response):
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Article.Status.DRAFT},
        {"published_at": later()},
    ],
    ids=["draft", "scheduled"],
)
def test_terms_used_only_by_hidden_articles_are_not_found(client, make_article, topic, tag, hidden):
    make_article(title="Hidden launch", topic=topic, tags=[tag], **hidden)
    make_article(title="Something public")

    assert_not_found(client.get("/topics/unannounced/"))
    assert_not_found(client.get("/tags/unannounced/"))
    assert_not_found(client.get("/tags/unannounced/?page=2"))


def test_unused_terms_are_not_found(client, topic, tag):
    assert_not_found(client.get(topic.get_absolute_url()))
    assert_not_found(client.get(tag.get_absolute_url()))


def test_terms_appear_the_moment_one_of_their_articles_is_public(client, make_article, topic, tag):
    article = make_article(title="Launch", topic=topic, tags=[tag], published_at=later())
    assert client.get("/topics/unannounced/").status_code == 404

    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(minutes=1))

    for url in ["/topics/unannounced/", "/tags/unannounced/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET in response.content.decode() and "Launch" in response.content.decode()


def test_terms_disappear_when_their_last_public_article_goes_back_to_draft(client, make_article, topic, tag):
    article = make_article(title="Launch", topic=topic, tags=[tag])
    assert client.get("/tags/unannounced/").status_code == 200
    article.status = Article.Status.DRAFT
    article.save()
    assert_not_found(client.get("/tags/unannounced/"))
    assert_not_found(client.get("/topics/unannounced/"))


def test_a_term_page_lists_only_public_articles_and_pages_past_the_end_are_not_found(client, make_article, tag):
    for n in range(PAGE_SIZE + 1):
        make_article(title=f"Public {n}", slug=f"public-{n}", tags=[tag])
    make_article(title="Draft with the tag", tags=[tag], status=Article.Status.DRAFT)

    assert client.get("/tags/unannounced/?page=2").status_code == 200
    assert client.get("/tags/unannounced/?page=3").status_code == 404
    assert "Draft with the tag" not in client.get("/tags/unannounced/").content.decode()


def test_no_public_page_names_a_hidden_topic_or_tag(client, make_article, topic, tag):
    shown_tag = Tag.objects.create(name="Shown tag")
    public = make_article(title="Public", tags=[shown_tag])
    make_article(title="Hidden", topic=topic, tags=[tag, shown_tag], status=Article.Status.DRAFT)
    make_article(title="Soon", topic=topic, tags=[tag], published_at=later())

    for url in ["/", "/topics/", public.get_absolute_url(), shown_tag.get_absolute_url(), "/?page=1"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


def test_public_terms_are_those_with_a_public_article(make_article, topic, tag):
    other_topic, other_tag = Topic.objects.create(name="Other"), Tag.objects.create(name="Other")
    make_article(title="Public", topic=other_topic, tags=[other_tag, tag])
    make_article(title="Draft", topic=topic, tags=[tag], status=Article.Status.DRAFT)
    make_article(title="Draft too", topic=topic, tags=[tag], status=Article.Status.DRAFT)

    assert list(Topic.objects.public()) == [other_topic]
    assert sorted(Tag.objects.public(), key=str) == sorted([other_tag, tag], key=str)
    assert Tag.objects.public().count() == 2  # no duplicate rows for a tag on several articles
