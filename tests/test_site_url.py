"""SITE_URL: the site's own absolute addresses never follow the request's Host header."""

import json
import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from articles.models import Tag, Topic
from tests.test_settings import ROOT, _check

SITE = "https://example.org"
PROD_ENV = {"SECRET_KEY": "k" * 20 + "Zq8#x" * 10, "ALLOWED_HOSTS": "example.org"}


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def canonical(response) -> str:
    return soup_of(response).find("link", rel="canonical")["href"]


def json_ld(response) -> dict:
    return json.loads(soup_of(response).find("script", type="application/ld+json").string)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


# -- the pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_articles_canonical_link_and_og_url_come_from_site_url_not_the_host_header(client, site_url, make_article):
    article = make_article(title="On sleep")

    soup = soup_of(client.get(article.get_absolute_url(), HTTP_HOST="localhost"))

    expected = f"{SITE}{article.get_absolute_url()}"
    assert soup.find("link", rel="canonical")["href"] == expected
    assert soup.find("meta", property="og:url")["content"] == expected


@pytest.mark.django_db
def test_an_articles_json_ld_addresses_come_from_site_url(client, site_url, make_article):
    article = make_article(title="On sleep")

    data = json_ld(client.get(article.get_absolute_url(), HTTP_HOST="localhost"))

    assert data["url"] == data["mainEntityOfPage"]["@id"] == f"{SITE}{article.get_absolute_url()}"


@pytest.mark.django_db
def test_the_home_pages_canonical_and_website_json_ld_come_from_site_url(client, site_url):
    response = client.get("/", HTTP_HOST="localhost")

    assert canonical(response) == f"{SITE}/"
    assert json_ld(response)["url"] == f"{SITE}/"


@pytest.mark.django_db
def test_list_pages_canonicals_come_from_site_url(client, site_url, make_article):
    topic, tag = Topic.objects.create(name="Grief"), Tag.objects.create(name="Loss")
    for number in range(11):  # two pages of the home list
        make_article(title=f"Article {number}", topic=topic, tags=[tag])

    assert canonical(client.get("/?page=2", HTTP_HOST="localhost")) == f"{SITE}/?page=2"
    assert canonical(client.get(topic.get_absolute_url(), HTTP_HOST="localhost")) == f"{SITE}/topics/grief/"
    assert canonical(client.get(tag.get_absolute_url(), HTTP_HOST="localhost")) == f"{SITE}{tag.get_absolute_url()}"
    assert canonical(client.get("/topics/", HTTP_HOST="localhost")) == f"{SITE}/topics/"


@pytest.mark.django_db
def test_an_articles_own_canonical_url_still_wins_over_site_url(client, site_url, make_article):
    article = make_article(title="Syndicated", canonical_url="https://elsewhere.example/original/")

    assert canonical(client.get(article.get_absolute_url())) == "https://elsewhere.example/original/"


@pytest.mark.django_db
def test_without_site_url_addresses_follow_the_request_for_local_use(client, settings):
    settings.SITE_URL = ""

    assert canonical(client.get("/", HTTP_HOST="localhost")) == "http://localhost/"


# -- the setting ------------------------------------------------------------------------


def _site_url_setting(**env) -> subprocess.CompletedProcess:
    """SITE_URL as the development settings read it from the environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "from site_config.settings import dev; print(dev.SITE_URL)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_site_url_loses_its_trailing_slash_and_capitals():
    result = _site_url_setting(SITE_URL="https://Example.ORG/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://example.org"


@pytest.mark.parametrize(
    "value",
    ["https://example.org/blog", "https://example.org#", "example.org", "ftp://example.org", "https://",
     "https://user:pw@example.org"],
)  # fmt: skip
def test_site_url_must_be_a_scheme_and_host_alone(value):
    result = _site_url_setting(SITE_URL=value)
    assert result.returncode != 0
    assert f"SITE_URL={value!r} must be the site's address alone" in result.stderr


def test_production_refuses_to_start_without_site_url():
    result = _check("site_config.settings.prod", **PROD_ENV)
    assert result.returncode != 0
    assert "production needs the site's https:// address" in result.stderr


def test_production_refuses_a_plain_http_site_url():
    result = _check("site_config.settings.prod", **PROD_ENV, SITE_URL="http://example.org")
    assert result.returncode != 0
    assert "SITE_URL='http://example.org': production needs the site's https:// address" in result.stderr


@pytest.mark.parametrize(("language", "locale"), [("en-us", "en_US"), ("pt-br", "pt_BR"), ("ar", "ar")])
def test_open_graph_locale_follows_language_code(client, settings, make_article, language, locale):
    settings.LANGUAGE_CODE = language
    page = client.get(make_article(title="Locale").get_absolute_url()).content.decode()
    assert f'<meta property="og:locale" content="{locale}">' in page
