"""RSS and Atom feeds: valid for feed readers, only public articles, full content, stable ids."""

from datetime import timedelta

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article, Tag

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(("url", "version"), [("/feed/", "rss20"), ("/feed/atom/", "atom10")])
def test_site_feeds_are_valid_and_show_only_the_public_article(client, three_states, url, version):
    feed = parse(client, url)
    assert feed.version == version
    assert [entry.title for entry in feed.entries] == [three_states.public.title]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/articles/{three_states.public.slug}/"
    assert entry.author == "Dana Reyes"
    assert sorted(tag.term for tag in entry.tags) == ["Anxiety", "sleep"]
    assert "<h2" in entry.content[0].value and "Zebrafinch routines" in entry.content[0].value
    assert entry.summary == three_states.public.excerpt
    assert entry.published_parsed
    if version == "atom10":
        assert entry.updated_parsed
    body = client.get(url).content.decode()
    for article in three_states.hidden:
        assert article.title not in body
    for term in three_states.hidden_topics + three_states.hidden_tags:
        assert term.name not in body


def test_entry_ids_survive_a_change_of_title_and_slug(client, make_article):
    article = make_article(title="First title")
    before = parse(client, "/feed/atom/").entries[0].id
    article.title, article.slug = "Second title", "second-title"
    article.save()
    after = parse(client, "/feed/atom/").entries[0]
    assert after.id == before and after.id.startswith("tag:testserver,")
    assert parse(client, "/feed/").entries[0].id == before


def test_feeds_hold_the_latest_twenty(client, make_article):
    for n in range(25):
        make_article(title=f"Note {n:02}", published_at=timezone.now() - timedelta(days=n + 1))
    titles = [entry.title for entry in parse(client, "/feed/").entries]
    assert titles == [f"Note {n:02}" for n in range(20)]


def test_the_updated_date_is_the_last_meaningful_change(client, make_article):
    published = timezone.now() - timedelta(days=10)
    article = make_article(title="Dated", published_at=published)
    Article.objects.filter(pk=article.pk).update(updated_at=published + timedelta(days=3))
    entry = parse(client, "/feed/atom/").entries[0]
    assert entry.updated_parsed[:3] == (published + timedelta(days=3)).utctimetuple()[:3]


def test_topic_and_tag_feeds_hold_only_their_public_articles(client, three_states, make_article):
    make_article(title="Elsewhere")
    topic_feed = parse(client, f"{three_states.public.topic.get_absolute_url()}feed/")
    tag_feed = parse(client, "/tags/sleep/feed/")
    assert [e.title for e in topic_feed.entries] == [e.title for e in tag_feed.entries] == [three_states.public.title]
    assert "Anxiety" in topic_feed.feed.title


def test_feeds_of_terms_only_hidden_articles_use_do_not_exist(client, three_states):
    for term in three_states.hidden_topics + three_states.hidden_tags:
        assert client.get(f"{term.get_absolute_url()}feed/").status_code == 404


def test_sanitised_content_only(client, make_article):
    make_article(title="Hostile", body='Hi <script>alert(1)</script><a href="javascript:x()">link</a>')
    content = parse(client, "/feed/").entries[0].content[0].value
    assert "<script" not in content and "javascript:" not in content


def test_feeds_use_site_url_for_every_address(client, make_article, settings):
    settings.SITE_URL = "https://example.org"
    make_article(title="Addressed")
    entry = parse(client, "/feed/atom/").entries[0]
    assert entry.link.startswith("https://example.org/articles/")
    assert entry.id.startswith("tag:example.org,")


@pytest.mark.parametrize("url", ["/", "/topics/", "/search/?q=x"])
def test_every_page_links_the_site_feeds(client, url):
    page = BeautifulSoup(client.get(url).content, "lxml")
    alternates = {link["type"]: link["href"] for link in page.select("head link[rel=alternate]")}
    assert alternates == {"application/rss+xml": "/feed/", "application/atom+xml": "/feed/atom/"}


def test_topic_and_tag_pages_also_link_their_own_feed(client, make_article):
    from articles.models import Topic

    make_article(topic=Topic.objects.create(name="Grief"), tags=[Tag.objects.create(name="loss")])
    for url in ("/topics/grief/", "/tags/loss/"):
        page = BeautifulSoup(client.get(url).content, "lxml")
        hrefs = [link["href"] for link in page.select("head link[rel=alternate]")]
        assert f"{url}feed/" in hrefs
        assert client.get(f"{url}feed/").status_code == 200


def test_links_and_images_of_ours_are_full_addresses_in_feeds(client, make_article):
    other = make_article(title="Other piece")
    make_article(
        title="Linking",
        body=f"See [the other]({other.get_absolute_url()}) and ![A chair](/media/uploads/chair.png) "
        "and [elsewhere](https://example.com/x) and [a note](#notes).",
    )
    for url in ("/feed/", "/feed/atom/"):
        parse(client, url)
        # The feed as sent (feedparser would resolve relative addresses itself; not every reader does).
        raw = client.get(url).content.decode()
        assert f'href="http://testserver{other.get_absolute_url()}"' in raw
        assert 'src="http://testserver/media/uploads/chair.png"' in raw
        assert 'href="https://example.com/x"' in raw
