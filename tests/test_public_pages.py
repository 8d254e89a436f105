"""The public pages as a reader, a search engine and an editor previewing a draft see them."""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.template import loader
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


# Used only by test_server_error_uses_the_500_template (pytest.mark.urls).
urlpatterns = [path("boom/", boom), path("", include("articles.urls"))]


class Page(HTMLParser):
    """Just enough of an HTML page to assert on: h1 texts, meta/link tags, JSON-LD, visible text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.h1s: list[str] = []
        self.metas: list[dict] = []
        self.links: list[dict] = []
        self.json_ld: list[str] = []
        self.times: list[dict] = []
        self.text_parts: list[str] = []
        self.attrs_seen: list[tuple[str, dict]] = []
        self._stack: list[str] = []
        self._in_h1 = False
        self._in_json_ld = False
        self._in_head = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attrs_seen.append((tag, attrs))
        if tag == "head":
            self._in_head = True
        elif tag == "h1":
            self._in_h1 = True
            self.h1s.append("")
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "time":
            self.times.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "h1":
            self._in_h1 = False
        elif tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data
        elif not self._in_head:
            self.text_parts.append(data)
        if self._in_h1:
            self.h1s[-1] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def meta(self, key: str) -> str | None:
        for attrs in self.metas:
            if key in (attrs.get("name"), attrs.get("property")):
                return attrs.get("content")
        return None

    def link(self, rel: str) -> str | None:
        for attrs in self.links:
            if attrs.get("rel") == rel:
                return attrs.get("href")
        return None


def page(response) -> Page:
    return Page(response.content.decode())


def iso(value) -> str:
    """How the pages write a date and time: local time, whole seconds, with the UTC offset."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def make_article(title, *, days_ago=1, status="published", **fields):
    published_at = fields.pop("published_at", timezone.now() - timedelta(days=days_ago))
    return Article.objects.create(
        title=title,
        body=fields.pop("body", f"The body of {title}.\n\nA second paragraph."),
        status=status,
        published_at=published_at,
        **fields,
    )


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(username="editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    return user


# Home page and pagination


def test_home_lists_published_articles_newest_first_and_hides_drafts_and_future(client):
    make_article("Older piece", days_ago=5)
    make_article("Newer piece", days_ago=1)
    make_article("Secret draft", status="draft")
    make_article("Coming soon", published_at=timezone.now() + timedelta(days=3))

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer piece") < html.index("Older piece")
    assert "Secret draft" not in html
    assert "Coming soon" not in html
    parsed = page(response)
    assert parsed.h1s == ["Latest articles"]
    assert all("datetime" in t for t in parsed.times)


def test_list_item_shows_title_link_date_topic_and_excerpt(client):
    topic = Topic.objects.create(name="Anxiety")
    article = make_article("Breathing exercises", topic=topic, summary="Three slow ways to calm down.")

    response = client.get("/")

    html = response.content.decode()
    assert f'<h2 class="teaser__title"><a href="{article.get_absolute_url()}">Breathing exercises</a></h2>' in html
    assert f'datetime="{iso(article.published_at)}"' in html
    assert f'href="{topic.get_absolute_url()}"' in html
    assert "Three slow ways to calm down." in html


def test_home_empty_state(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Nothing has been published here yet" in page(response).text
    assert 'aria-label="Pagination"' not in response.content.decode()


def test_pagination(client):
    for n in range(11):
        make_article(f"Article number {n}", days_ago=n + 1)

    first = client.get("/")
    second = client.get("/?page=2")
    missing = client.get("/?page=99")

    assert first.status_code == 200
    first_html = first.content.decode()
    assert first_html.count('class="teaser"') == 10
    assert '<nav class="pagination" aria-label="Pagination">' in first_html
    assert "Page 1 of 2" in first_html
    assert 'rel="next" href="?page=2"' in first_html
    assert 'rel="prev"' not in first_html

    assert second.status_code == 200
    second_html = second.content.decode()
    assert second_html.count('class="teaser"') == 1
    assert "Article number 10" in second_html  # the oldest
    assert "Page 2 of 2" in second_html
    assert 'rel="prev" href="/"' in second_html
    assert 'rel="next"' not in second_html
    assert page(second).link("canonical") == "http://testserver/?page=2"

    assert missing.status_code == 404


def test_home_query_count_does_not_grow_with_articles(client, django_assert_max_num_queries):
    topic = Topic.objects.create(name="Sleep")
    for n in range(10):
        make_article(f"Article {n}", topic=topic if n % 2 else None, days_ago=n + 1)

    with django_assert_max_num_queries(2):  # one count for the paginator, one page of articles
        response = client.get("/")

    assert response.content.decode().count('class="teaser"') == 10


# Article page


def test_detail_shows_title_date_topic_tags_author_and_body(client, django_user_model):
    topic = Topic.objects.create(name="Relationships")
    author = django_user_model.objects.create_user(username="drsmith", first_name="Ada", last_name="Smith")
    article = make_article(
        "Talking about hard things",
        topic=topic,
        author=author,
        body="# First steps\n\nStart **small**.\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    )
    article.tags.add(Tag.objects.create(name="Communication"), Tag.objects.create(name="Couples"))

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    parsed = page(response)
    assert parsed.h1s == ["Talking about hard things"]
    assert f'<time datetime="{iso(article.published_at)}">' in html
    assert f'href="{topic.get_absolute_url()}"' in html
    assert 'href="/tags/communication/"' in html
    assert 'href="/tags/couples/"' in html
    assert "By Ada Smith" in parsed.text
    assert "drsmith" not in html
    assert '<h2 id="first-steps">First steps</h2>' in html
    assert "<strong>small</strong>" in html
    assert "<table>" in html
    assert parsed.meta("robots") is None
    assert "X-Robots-Tag" not in response


def test_detail_title_meta_description_canonical_and_open_graph(client, settings):
    settings.SITE_NAME = "Calm Practice"
    article = make_article("On sleep", summary="Why rest matters.", meta_description="Sleep and mood, briefly.")

    parsed = page(client.get(article.get_absolute_url()))

    canonical = f"http://testserver{article.get_absolute_url()}"
    assert "<title>On sleep · Calm Practice</title>" in client.get(article.get_absolute_url()).content.decode()
    assert parsed.meta("description") == "Sleep and mood, briefly."
    assert parsed.link("canonical") == canonical
    assert parsed.meta("og:type") == "article"
    assert parsed.meta("og:title") == "On sleep"
    assert parsed.meta("og:url") == canonical
    assert parsed.meta("og:site_name") == "Calm Practice"
    assert parsed.meta("twitter:card") == "summary"
    assert parsed.meta("article:published_time") == iso(article.published_at)


def test_meta_description_falls_back_to_the_excerpt(client):
    article = make_article("No summary", body="First paragraph here.\n\nSecond.")

    assert page(client.get(article.get_absolute_url())).meta("description") == "First paragraph here."


def test_canonical_url_field_wins(client):
    article = make_article("Syndicated", canonical_url="https://example.org/original/")

    parsed = page(client.get(article.get_absolute_url()))

    assert parsed.link("canonical") == "https://example.org/original/"
    assert json.loads(parsed.json_ld[0])["mainEntityOfPage"]["@id"] == "https://example.org/original/"


def test_json_ld_is_valid_and_describes_the_article(client):
    topic = Topic.objects.create(name="Grief")
    article = make_article("Living with loss", topic=topic, summary="Grief is not a problem to solve.")
    article.tags.add(Tag.objects.create(name="Bereavement"))

    parsed = page(client.get(article.get_absolute_url()))

    assert len(parsed.json_ld) == 2  # the article, then its breadcrumbs (tests/test_reading_aids.py)
    data = json.loads(parsed.json_ld[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Living with loss"
    assert data["description"] == "Grief is not a problem to solve."
    assert data["datePublished"] == iso(article.published_at)
    assert "dateModified" in data
    assert data["author"] == {"@type": "Organization", "name": data["publisher"]["name"]}
    assert data["mainEntityOfPage"]["@id"] == f"http://testserver{article.get_absolute_url()}"
    assert data["articleSection"] == "Grief"
    assert data["keywords"] == ["Bereavement"]


def test_json_ld_cannot_break_out_of_its_script_element(client):
    article = make_article("Tricky </script><script>alert(1)</script> & <!-- title")

    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(page(client.get(article.get_absolute_url())).json_ld[0])

    assert data["headline"] == "Tricky </script><script>alert(1)</script> & <!-- title"
    assert "<script>alert(1)" not in html
    assert html.count("<script") == 2  # only the JSON-LD itself: the article and its breadcrumbs
    assert json.loads(Page(html).json_ld[1])["itemListElement"][-1]["name"] == data["headline"]


def set_dates(article, **dates):
    Article.objects.filter(pk=article.pk).update(**dates)


def test_updated_date_only_when_meaningfully_later(client):
    published = timezone.now() - timedelta(days=60)
    article = make_article("Edited later", published_at=published)
    set_dates(article, created_at=published, updated_at=published + timedelta(hours=2))
    assert "Updated" not in page(client.get(article.get_absolute_url())).text

    set_dates(article, updated_at=published + timedelta(days=10))
    parsed = page(client.get(article.get_absolute_url()))
    assert "Updated" in parsed.text
    assert {"datetime": iso(published + timedelta(days=10))} in parsed.times


def test_no_updated_date_for_backdated_or_imported_articles(client):
    # Typed in today with an old publication date, or imported without a modification date.
    article = make_article("Back-dated", days_ago=400)
    assert "Updated" not in page(client.get(article.get_absolute_url())).text

    # An importer's modification date from the source (before the row existed) is shown.
    set_dates(article, updated_at=article.published_at + timedelta(days=30))
    assert "Updated" in page(client.get(article.get_absolute_url())).text


# HTML's "valid global date and time string": at most three fractional digits of a second.
HTML_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})")


def test_dates_are_valid_html_datetimes_when_stored_with_microseconds(client, editor):
    # timezone.now() (the importer, the admin's Publish action, save() with no date) keeps microseconds.
    published = timezone.now().replace(microsecond=123456) - timedelta(days=30)
    topic = Topic.objects.create(name="Precision")
    tag = Tag.objects.create(name="Timing")
    article = make_article("Stamped to the microsecond", published_at=published, topic=topic)
    article.tags.add(tag)
    set_dates(article, created_at=published, updated_at=published + timedelta(days=5, microseconds=321))
    scheduled = make_article("Later", published_at=timezone.now().replace(microsecond=654321) + timedelta(days=2))

    list_pages = [page(client.get(url)) for url in ("/", topic.get_absolute_url(), tag.get_absolute_url())]
    detail = page(client.get(article.get_absolute_url()))
    client.force_login(editor)
    preview = page(client.get(scheduled.get_absolute_url()))

    for parsed in [*list_pages, detail, preview]:
        assert parsed.times
        for attrs in parsed.times:
            assert HTML_DATETIME.fullmatch(attrs["datetime"]), attrs
    assert all({"datetime": iso(published)} in parsed.times for parsed in list_pages)
    # The <time>, Open Graph and JSON-LD dates agree.
    data = json.loads(detail.json_ld[0])
    assert [t["datetime"] for t in detail.times] == [iso(published), data["dateModified"]]
    assert detail.meta("article:published_time") == data["datePublished"] == iso(published)
    assert detail.meta("article:modified_time") == data["dateModified"] == iso(published + timedelta(days=5))
    assert preview.times == [{"datetime": iso(scheduled.published_at)}] * 2  # the banner and the byline


def test_detail_query_count_is_bounded(client, django_assert_max_num_queries):
    article = make_article("Tagged a lot", topic=Topic.objects.create(name="Work"))
    article.tags.add(*(Tag.objects.create(name=f"Tag {n}") for n in range(8)))

    # the article with topic and author, its tags, then previous, next and related (articles/reading.py)
    with django_assert_max_num_queries(5):
        client.get(article.get_absolute_url())


def test_drafts_and_future_articles_404_for_anonymous_visitors(client):
    draft = make_article("Draft", status="draft")
    future = make_article("Future", published_at=timezone.now() + timedelta(days=1))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404


def test_staff_without_change_permission_cannot_preview(client, django_user_model):
    user = django_user_model.objects.create_user(username="viewer", password="pw", is_staff=True)
    client.force_login(user)

    assert client.get(make_article("Draft", status="draft").get_absolute_url()).status_code == 404


def test_editor_previews_a_draft(client, editor):
    draft = make_article("Work in progress", status="draft")
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    parsed = page(response)
    assert "Preview: this article is a draft and not public." in parsed.text
    assert parsed.meta("robots") == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert f'href="/admin/articles/article/{draft.pk}/change/"' in response.content.decode()


def test_editor_previews_a_scheduled_article(client, editor):
    when = timezone.now() + timedelta(days=2)
    article = make_article("Next week", published_at=when)
    client.force_login(editor)

    response = client.get(article.get_absolute_url())

    text = page(response).text
    assert response.status_code == 200
    assert "Preview: this article is scheduled for" in text
    local = timezone.localtime(when)
    assert f"{local:%B} {local.day}, {local.year}" in text
    assert "and not public." in text
    assert "no-store" in response["Cache-Control"]


def test_editor_sees_a_public_article_without_the_banner(client, editor):
    article = make_article("Already out")
    client.force_login(editor)

    response = client.get(article.get_absolute_url())

    assert "Preview:" not in page(response).text
    assert "X-Robots-Tag" not in response
    assert page(response).meta("robots") is None


# Topic, tag and topic index pages


def test_topic_page_lists_only_its_public_articles(client):
    anxiety = Topic.objects.create(name="Anxiety")
    other = Topic.objects.create(name="Depression")
    make_article("Panic attacks", topic=anxiety)
    make_article("Low mood", topic=other)
    make_article("Anxious draft", topic=anxiety, status="draft")

    response = client.get(anxiety.get_absolute_url())

    parsed = page(response)
    assert response.status_code == 200
    assert parsed.h1s == ["Articles about Anxiety"]
    assert "Panic attacks" in parsed.text
    assert "Low mood" not in parsed.text
    assert "Anxious draft" not in parsed.text
    assert parsed.link("canonical") == "http://testserver/topics/anxiety/"
    assert "<title>Articles about Anxiety · " in response.content.decode()


def test_tag_page_lists_only_its_public_articles(client):
    tag = Tag.objects.create(name="Mindfulness")
    tagged = make_article("Body scan")
    tagged.tags.add(tag)
    make_article("Untagged")

    response = client.get(tag.get_absolute_url())

    parsed = page(response)
    assert response.status_code == 200
    assert parsed.h1s == ["Articles tagged Mindfulness"]
    assert "Body scan" in parsed.text
    assert "Untagged" not in parsed.text


def test_a_topic_without_public_articles_is_not_found(client):
    topic = Topic.objects.create(name="Nothing yet")

    response = client.get(topic.get_absolute_url())

    assert response.status_code == 404 and "Nothing yet" not in response.content.decode()


def test_topic_index_lists_topics_with_public_articles(client):
    used = Topic.objects.create(name="Parenting")
    Topic.objects.create(name="Unused")
    drafts_only = Topic.objects.create(name="Drafts only")
    make_article("Toddlers", topic=used)
    make_article("Teenagers", topic=used)
    make_article("Hidden", topic=drafts_only, status="draft")

    response = client.get("/topics/")

    text = page(response).text
    assert response.status_code == 200
    assert "Parenting 2 articles" in text
    assert "Unused" not in text
    assert "Drafts only" not in text


# Error pages


@pytest.mark.parametrize("url", ["/articles/no-such-article/", "/topics/no-such-topic/", "/tags/nope/", "/nowhere/"])
def test_unknown_addresses_use_our_404_template(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    parsed = page(response)
    assert parsed.h1s == ["Page not found"]
    assert 'class="skip-link"' in response.content.decode()


def test_500_template_renders_standalone(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()

    parsed = Page(html)
    assert html.lstrip().startswith("<!doctype html>")
    assert parsed.h1s == ["Something went wrong"]
    assert parsed.link("stylesheet") == "/static/css/site.css"


@pytest.mark.urls(__name__)
def test_server_error_uses_the_500_template():
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


# The page shell


def test_base_layout_is_accessible_and_script_free(client):
    make_article("Anything")

    response = client.get("/")

    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert 'style="' not in html
    parsed = page(response)
    assert parsed.meta("viewport") == "width=device-width, initial-scale=1"
    assert parsed.meta("description")
    assert parsed.link("canonical") == "http://testserver/"
    assert parsed.link("icon").endswith("favicon.svg")
    assert parsed.link("stylesheet").endswith("css/site.css")
    scripts = [attrs for tag, attrs in parsed.attrs_seen if tag == "script"]
    assert scripts == [{"type": "application/ld+json"}]
    assert json.loads(parsed.json_ld[0])["@type"] == "WebSite"


def test_favicon_ico_redirects_to_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
