"""Site settings edited in the admin: over the environment's defaults, cached, fresh after a change."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from articles import page_cache
from site_settings.models import CACHE_KEY, SiteSettings

pytestmark = pytest.mark.django_db

URL = "/admin/site_settings/sitesettings/1/change/"


@pytest.fixture(autouse=True)
def _cold_cache():
    cache.delete(CACHE_KEY)  # tests/conftest.py primes it with the defaults; here we read for real


def page(client, url="/"):
    return BeautifulSoup(client.get(url).content, "lxml")


def json_ld(soup) -> list[dict]:
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def test_environment_values_are_the_defaults(client, settings):
    settings.SITE_NAME = "Calm Practice"
    settings.SITE_DESCRIPTION = "Therapy in Manhattan, explained."
    soup = page(client)
    assert soup.select_one(".site-name").get_text() == "Calm Practice"
    assert soup.find("meta", attrs={"name": "description"})["content"] == "Therapy in Manhattan, explained."


def test_the_admin_list_opens_the_one_settings_form(admin_client):
    response = admin_client.get("/admin/site_settings/sitesettings/")
    assert response.status_code == 302 and response["Location"] == URL
    assert admin_client.get(URL).status_code == 200
    assert SiteSettings.objects.count() == 1
    assert admin_client.get("/admin/site_settings/sitesettings/add/").status_code == 403
    assert admin_client.post("/admin/site_settings/sitesettings/1/delete/", {"post": "yes"}).status_code == 403


def test_staff_without_permission_cannot_open_it(client, editor):
    client.force_login(editor)
    assert client.get("/admin/site_settings/sitesettings/").status_code == 403
    assert not SiteSettings.objects.exists()


def test_a_change_in_the_admin_shows_on_the_next_request(admin_client, client, browser_post, make_article):
    article = make_article(title="An article")
    page(client)  # cached now
    admin_client.get("/admin/site_settings/sitesettings/")
    response = browser_post(
        admin_client,
        URL,
        {
            "site_name": "Calm Practice",
            "tagline": "Therapy in New York",
            "default_description": "Articles on therapy and mental health by a New York practice.",
            "publisher_name": "Calm Practice PLLC",
            "publisher_logo": "/media/uploads/logo.png",
            "footer_text": "Not a substitute for emergency care.",
            "contact_line": "Call (212) 555-0100 or write to hello@example.org",
            "social_image": "https://cdn.example.org/social.png",
        },
    )
    assert response.status_code == 302
    home = page(client)
    assert home.title.get_text() == "Calm Practice"
    assert home.select_one(".site-name").get_text() == "Calm Practice"
    footer = home.select_one("footer").get_text()
    assert "Therapy in New York" in footer and "Not a substitute for emergency care." in footer
    assert "(212) 555-0100" in footer
    assert home.select_one("footer a[href='mailto:hello@example.org']")
    assert home.find("meta", attrs={"name": "description"})["content"].startswith("Articles on therapy")
    assert home.find("meta", property="og:image")["content"] == "https://cdn.example.org/social.png"
    detail = page(client, article.get_absolute_url())
    assert detail.title.get_text() == "An article · Calm Practice"
    publisher = json_ld(detail)[0]["publisher"]
    assert publisher == {
        "@type": "Organization",
        "name": "Calm Practice PLLC",
        "logo": {"@type": "ImageObject", "url": "http://testserver/media/uploads/logo.png"},
    }
    assert "Calm Practice" in client.get("/feed/").content.decode()
    # Back to blank: the environment's values again, at once.
    browser_post(admin_client, URL, {"site_name": "", "social_image": "", "publisher_name": ""})
    assert page(client).select_one(".site-name").get_text() == "Articles"
    assert page(client).find("meta", property="og:image") is None


@pytest.mark.parametrize("value", ["javascript:alert(1)", "//evil.example/x.png", "logo.png"])
def test_image_addresses_must_be_web_addresses_or_site_paths(admin_client, browser_post, value):
    admin_client.get("/admin/site_settings/sitesettings/")
    response = browser_post(admin_client, URL, {"publisher_logo": value})
    assert response.status_code == 200
    assert "Enter a full address" in response.content.decode()


def test_settings_are_read_once_then_cached(client, make_article, django_assert_num_queries):
    SiteSettings.objects.create(site_name="Cached Name")
    make_article()
    page(client)
    page_cache.forget([page_cache.SITE])  # the page drawn again, not served stored
    with django_assert_num_queries(2):  # the home page's count and page of articles, no settings query
        assert page(client).select_one(".site-name").get_text() == "Cached Name"


def test_the_settings_are_one_row_whatever_is_saved():
    SiteSettings(site_name="One").save()
    SiteSettings(site_name="Two").save()
    assert list(SiteSettings.objects.values_list("pk", "site_name")) == [(1, "Two")]


def test_a_process_local_cache_expires_for_the_other_worker_processes(monkeypatch):
    from django.core.cache import caches

    from site_settings import models

    stored = {}
    monkeypatch.setattr(models.cache, "set", lambda key, value, timeout: stored.update({key: timeout}))
    models.current()
    shared = not isinstance(caches["default"], models.LocMemCache)
    assert stored[CACHE_KEY] == (None if shared else models.LOCAL_CACHE_SECONDS)


def test_the_admin_header_uses_the_site_name(admin_client):
    SiteSettings.objects.create(site_name="Calm Practice")
    page = BeautifulSoup(admin_client.get("/admin/").content, "lxml")
    assert page.select_one("#site-name").get_text(strip=True) == "Calm Practice"
    assert page.title.get_text().endswith("Calm Practice")
