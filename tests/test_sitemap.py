"""/sitemap.xml and /robots.txt: public addresses only, lastmod from updated_at, an index past 50,000."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date
from lxml import etree

from articles.models import Article
from articles.pagination import IdsFirstPaginator
from articles.sitemaps import PublicSitemap

pytestmark = pytest.mark.django_db
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client, url="/sitemap.xml"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def entries(root) -> dict[str, str | None]:
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_home_public_article_and_its_terms_only(client, three_states):
    root = sitemap(client)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert set(entries(root)) == {
        "http://testserver/",
        "http://testserver/topics/",
        f"http://testserver/articles/{three_states.public.slug}/",
        "http://testserver/topics/anxiety/",
        "http://testserver/tags/sleep/",
    }


def test_lastmod_is_the_last_meaningful_change_and_terms_and_home_follow_it(client, make_article):
    from articles.models import Tag

    published = timezone.now() - timedelta(days=20)
    older = make_article(
        title="Older", published_at=published - timedelta(days=30), tags=[Tag.objects.create(name="t")]
    )
    article = make_article(title="Changed later", published_at=published, tags=list(older.tags.all()))
    updated = published + timedelta(days=5)
    Article.objects.filter(pk=article.pk).update(updated_at=updated)
    Article.objects.filter(pk=older.pk).update(updated_at=older.published_at)
    found = entries(sitemap(client))
    day = timezone.localtime(updated).date().isoformat()
    assert found[f"http://testserver/articles/{article.slug}/"] == day
    assert (
        found[f"http://testserver/articles/{older.slug}/"] == timezone.localtime(older.published_at).date().isoformat()
    )
    assert found["http://testserver/"] == found["http://testserver/topics/"] == day
    assert found["http://testserver/tags/t/"] is None  # no lastmod: see TermSitemap


def test_sitemap_uses_site_url(client, make_article, settings):
    settings.SITE_URL = "https://example.org"
    make_article(title="Somewhere")
    assert all(loc.startswith("https://example.org/") for loc in entries(sitemap(client)))


def test_past_the_limit_the_sitemap_becomes_an_index_of_pages(client, make_article, monkeypatch):
    monkeypatch.setattr(PublicSitemap, "limit", 2)
    monkeypatch.setattr(IdsFirstPaginator, "direct_offset", 0)  # deep pages through their ids (not the article files)
    for n in range(3):
        make_article(title=f"Paged {n}")
    root = sitemap(client)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locations = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
    assert locations == [
        "http://testserver/sitemap-home.xml",
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-tags.xml",
    ]
    listed = []
    for location in locations:
        listed += list(entries(sitemap(client, location.removeprefix("http://testserver"))))
    assert len([url for url in listed if "/articles/" in url]) == 3


def test_article_addresses_are_their_own_and_lastmod_sets_last_modified(client, make_article):
    """The article file is drawn without models or reverse() per address: the same addresses all the same."""
    articles = [make_article(title=title) for title in ("Plain one", "Thérapie à Montréal", "Ελληνικά")]
    response = client.get("/sitemap-articles.xml")
    found = entries(etree.fromstring(response.content))
    assert set(found) == {f"http://testserver{article.get_absolute_url()}" for article in articles}
    newest = max(timezone.localtime(article.updated_at) for article in articles)
    assert response["Last-Modified"] == http_date(newest.timestamp())
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert client.get("/sitemap-articles.xml?p=2").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_names_the_sitemap_and_keeps_search_out(client, settings):
    settings.SITE_URL = "https://example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /search/" in lines
    assert "Sitemap: https://example.org/sitemap.xml" in lines
