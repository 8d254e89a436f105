"""Descriptions as search engines and link previews read them: short, cut at a word, and readable."""

import json

import pytest
from bs4 import BeautifulSoup

from articles.models import Topic

pytestmark = pytest.mark.django_db

# Words of varied length, so a cut at exactly 160 characters would land inside one.
LONG_SUMMARY = " ".join(["Sleep", "shapes", "mood,", "memory", "and", "attention", "in", "ways"] * 60)  # ~2,400 chars


def head(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"name": key}) or soup.find("meta", attrs={"property": key})
    return tag["content"] if tag else None


def descriptions(soup: BeautifulSoup) -> dict[str, str | None]:
    json_ld = json.loads(soup.find("script", type="application/ld+json").string)
    return {
        "meta": meta(soup, "description"),
        "og": meta(soup, "og:description"),
        "twitter": meta(soup, "twitter:description"),
        "json-ld": json_ld.get("description"),
    }


def test_a_long_summary_is_cut_at_a_word_boundary_near_160_characters(client, make_article):
    assert len(LONG_SUMMARY) > 2000
    article = make_article(title="On sleep", summary=LONG_SUMMARY)

    description = meta(head(client.get(article.get_absolute_url())), "description")

    assert 140 <= len(description) <= 160
    assert description.endswith("…")
    kept = description.removesuffix("…")
    assert LONG_SUMMARY.startswith(kept) and LONG_SUMMARY[len(kept)] == " "  # whole words only
    assert not kept.endswith(",")


def test_meta_open_graph_twitter_and_json_ld_give_the_same_shortened_description(client, make_article):
    article = make_article(title="On sleep", summary=LONG_SUMMARY)

    found = descriptions(head(client.get(article.get_absolute_url())))

    assert len(set(found.values())) == 1, found
    assert len(found["meta"]) <= 160


def test_a_description_derived_from_the_body_is_shortened_too(client, make_article):
    first_paragraph = " ".join(["A", "first", "paragraph", "long", "enough", "to", "need", "cutting"] * 40)
    article = make_article(title="No summary", body=f"{first_paragraph}\n\nSecond paragraph.")
    assert len(article.description) > 160  # the model keeps up to 300 characters

    found = descriptions(head(client.get(article.get_absolute_url())))

    assert all(len(value) <= 160 and value.endswith("…") for value in found.values()), found


def test_an_editors_meta_description_up_to_160_characters_is_kept_whole(client, make_article):
    typed = ("Exactly what the editor typed, word for word. " * 4)[:160].strip()
    article = make_article(title="Typed", meta_description=typed)

    assert set(descriptions(head(client.get(article.get_absolute_url()))).values()) == {typed}


def test_with_the_default_site_name_the_home_description_reads_the_latest_articles(client, settings):
    settings.SITE_NAME, settings.SITE_DESCRIPTION = "Articles", ""

    soup = head(client.get("/"))

    assert meta(soup, "description") == "The latest articles."
    assert json.loads(soup.find("script", type="application/ld+json").string)["description"] == "The latest articles."


def test_the_home_description_names_the_site(client, settings):
    settings.SITE_NAME, settings.SITE_DESCRIPTION = "Calm Practice", ""

    assert meta(head(client.get("/")), "description") == "The latest articles from Calm Practice."


def test_a_long_site_description_is_shortened(client, settings):
    settings.SITE_DESCRIPTION = LONG_SUMMARY

    soup = head(client.get("/"))

    assert len(meta(soup, "description")) <= 160
    assert json.loads(soup.find("script", type="application/ld+json").string)["description"] == meta(
        soup, "description"
    )


def test_with_the_default_site_name_a_topic_page_does_not_say_from_articles(client, settings, make_article):
    settings.SITE_NAME = "Articles"
    topic = Topic.objects.create(name="Grief")
    make_article(title="Living with loss", topic=topic)

    assert meta(head(client.get(topic.get_absolute_url())), "description") == "Articles about Grief."


def test_with_the_default_site_name_the_topic_index_description_does_not_name_it(client, settings, make_article):
    settings.SITE_NAME = "Articles"
    make_article(title="Living with loss", topic=Topic.objects.create(name="Grief"))

    assert meta(head(client.get("/topics/")), "description") == "Every topic the articles here cover."


def test_a_topic_page_description_names_the_site(client, settings, make_article):
    settings.SITE_NAME = "Calm Practice"
    topic = Topic.objects.create(name="Grief")
    make_article(title="Living with loss", topic=topic)

    assert meta(head(client.get(topic.get_absolute_url())), "description") == "Articles about Grief from Calm Practice."


def test_the_topic_index_description_names_the_site(client, settings, make_article):
    settings.SITE_NAME = "Calm Practice"
    make_article(title="Living with loss", topic=Topic.objects.create(name="Grief"))

    assert meta(head(client.get("/topics/")), "description") == "Every topic Calm Practice writes about."
