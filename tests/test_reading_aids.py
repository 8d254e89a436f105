"""Around each article: reading time, contents, previous/next, related, breadcrumbs; public articles only."""

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from articles.models import Tag, Topic

pytestmark = pytest.mark.django_db


def soup(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def json_ld(page) -> list[dict]:
    return [json.loads(script.string) for script in page.find_all("script", type="application/ld+json")]


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def test_reading_time_counts_the_words_readers_see(client, make_article):
    article = make_article(title="Long", body=" ".join(["word"] * 461))  # 461 / 230 words a minute: 3 minutes
    assert "3 min read" in soup(client, article).select_one(".article__header .meta").get_text()
    short = make_article(title="Short", body="Two words.")
    assert "1 min read" in soup(client, short).get_text()


def test_contents_list_the_headings_from_three_on(client, make_article):
    article = make_article(title="Guide", body="## First\n\nText.\n\n### Detail\n\nText.\n\n## Second\n\nText.")
    toc = soup(client, article).select_one("nav.toc")
    assert [(a.get_text(), a["href"]) for a in toc.select("a")] == [
        ("First", "#first"),
        ("Detail", "#detail"),
        ("Second", "#second"),
    ]
    page = soup(client, article)
    for link in toc.select("a"):
        assert page.find(id=link["href"][1:]).name in {"h2", "h3"}
    two = make_article(title="Brief", body="## One\n\nText.\n\n## Two\n\nText.")
    assert soup(client, two).select_one("nav.toc") is None


def test_previous_and_next_skip_hidden_articles(client, three_states, make_article):
    older = make_article(title="Older public", published_at=days_ago(30))
    newer = make_article(title="Newer public", published_at=timezone.now() - timedelta(minutes=5))
    three_states.draft.published_at = days_ago(2)  # between them, but a draft
    three_states.draft.save()
    nav = soup(client, three_states.public).select_one("nav.article-nav")
    assert nav.select_one("a[rel=prev]")["href"] == older.get_absolute_url()
    assert nav.select_one("a[rel=next]")["href"] == newer.get_absolute_url()
    first = soup(client, older).select_one("nav.article-nav")
    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("a[rel=next]")["href"] == three_states.public.get_absolute_url()


def test_related_articles_share_tags_and_topic_first_then_recent(client, three_states, make_article):
    sleep = Tag.objects.get(name="sleep")
    anxiety = Topic.objects.get(name="Anxiety")
    extra = Tag.objects.create(name="mornings")
    three_states.public.tags.add(extra)
    make_article(title="Recent but unrelated", published_at=days_ago(0.01))
    make_article(title="Same topic", topic=anxiety, published_at=days_ago(5))
    make_article(title="One tag", tags=[sleep], published_at=days_ago(6))
    make_article(title="Two tags and topic", tags=[sleep, extra], topic=anxiety, published_at=days_ago(40))
    page = soup(client, three_states.public)
    titles = [a.get_text() for a in page.select(".related a")]
    assert titles == ["Two tags and topic", "Same topic", "One tag"]
    for article in three_states.hidden:
        assert article.title not in page.get_text()


def test_related_falls_back_to_the_most_recent(client, make_article):
    article = make_article(title="Alone", published_at=days_ago(3))
    for n in range(4):
        make_article(title=f"Other {n}", published_at=days_ago(10 + n))
    assert [a.get_text() for a in soup(client, article).select(".related a")] == ["Other 0", "Other 1", "Other 2"]


def test_an_article_page_takes_the_same_queries_however_much_surrounds_it(
    client, make_article, django_assert_num_queries
):
    lone = make_article(title="Lone")
    with django_assert_num_queries(3):  # article with previous and next, tags, related
        client.get(lone.get_absolute_url())
    topic = Topic.objects.create(name="Busy")
    tags = [Tag.objects.create(name=f"tag {n}") for n in range(6)]
    busy = make_article(title="Busy", topic=topic, tags=tags, body="## A\n\n## B\n\n## C\n\nText.")
    for n in range(12):
        make_article(title=f"Neighbour {n}", topic=topic, tags=tags[: n % 6], published_at=days_ago(n))
    with django_assert_num_queries(3):
        client.get(busy.get_absolute_url())


def test_breadcrumbs_json_ld_is_home_topic_article(client, three_states):
    blocks = json_ld(soup(client, three_states.public))
    assert [block["@type"] for block in blocks] == ["BlogPosting", "BreadcrumbList"]
    trail = [(item["position"], item["name"], item["item"]) for item in blocks[1]["itemListElement"]]
    assert trail == [
        (1, settings.SITE_NAME, "http://testserver/"),
        (2, "Anxiety", "http://testserver/topics/anxiety/"),
        (3, three_states.public.title, f"http://testserver{three_states.public.get_absolute_url()}"),
    ]


def test_breadcrumbs_without_a_topic_go_from_home_to_the_article(client, make_article):
    article = make_article(title="Untopical")
    trail = json_ld(soup(client, article))[1]["itemListElement"]
    assert [item["name"] for item in trail] == [settings.SITE_NAME, "Untopical"]


def test_the_website_json_ld_offers_search(client):
    data = json_ld(BeautifulSoup(client.get("/").content, "lxml"))[0]
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_a_preview_of_a_draft_shows_no_neighbours_related_or_breadcrumbs(admin_client, three_states):
    page = soup(admin_client, three_states.draft)
    assert page.select_one("nav.article-nav") is None and page.select_one(".related") is None
    assert [block["@type"] for block in json_ld(page)] == ["BlogPosting"]


def test_the_stylesheet_has_a_print_layout(client):
    from pathlib import Path

    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    print_rules = css[css.index("@media print") :]
    for hidden in (".site-search", ".toc", ".article-nav", ".related"):
        assert hidden in print_rules
