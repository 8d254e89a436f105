import pytest
from django.urls import reverse

from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_shows_columns_and_filters(admin_client, make_article):
    topic = Topic.objects.create(name="Therapy")
    make_article(title="Listed article", topic=topic, tags=[Tag.objects.create(name="nyc")])
    response = admin_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Listed article" in page
    for column in ("column-state", "column-publication", "column-updated_at", "column-topic"):
        assert column in page
    filters = [spec.title for spec in response.context["cl"].filter_specs]
    assert filters == ["status", "SEO checklist", "topic", "tags"]


def test_changelist_search_finds_words_in_the_body(admin_client, make_article):
    make_article(title="First", body="mentions confidentiality")
    make_article(title="Second", body="other words")
    response = admin_client.get(reverse("admin:articles_article_changelist"), {"q": "confidentiality"})
    assert list(response.context["cl"].result_list.values_list("title", flat=True)) == ["First"]


def test_add_form_uses_the_markdownx_editor(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "markdownx-editor" in page
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in page
    assert "markdownx-preview" in page


def test_saving_an_article_in_the_admin_renders_it(admin_client, admin_user):
    tag = Tag.objects.create(name="anxiety")
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Written in the admin",
            "slug": "",
            "body": "Hello <script>x</script> **there**",
            "summary": "",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "tags": [tag.pk],
            "meta_description": "",
            "canonical_url": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.slug == "written-in-the-admin"
    assert article.author == admin_user
    assert article.is_public
    assert "<strong>there</strong>" in article.body_html and "<script" not in article.body_html
    assert list(article.tags.all()) == [tag]


def test_publish_and_unpublish_actions(admin_client, make_article):
    draft = make_article(title="Draft", status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_changelist")
    admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public
    admin_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_change_form_links_to_the_article_on_the_site(admin_client, make_article):
    article = make_article(title="Visible")
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "View on site" in response.content.decode()


def test_changelist_tells_scheduled_articles_from_published_ones(admin_client, make_article):
    from datetime import timedelta

    from django.utils import timezone

    make_article(title="Later", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Now")
    make_article(title="Unfinished", status=Article.Status.DRAFT)
    response = admin_client.get(reverse("admin:articles_article_changelist"))
    states = {a.title: a.state for a in response.context["cl"].result_list}
    assert states == {"Later": "Scheduled", "Now": "Published", "Unfinished": "Draft"}


def test_view_on_site_opens_the_page_on_this_host_not_the_site_records(admin_client, make_article):
    from articles.models import Topic

    article = make_article(title="Seen here", status="published")
    topic = Topic.objects.create(name="Anxiety")
    for obj, model in [(article, "article"), (topic, "topic")]:
        page = admin_client.get(f"/admin/articles/{model}/{obj.pk}/change/").content.decode()
        assert f'href="{obj.get_absolute_url()}" class="viewsitelink"' in page
        assert "example.com" not in page


def test_the_login_page_has_one_level_one_heading_the_site_name(client, settings):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(reverse("admin:login")).content, "lxml")
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == ["Articles"]
    assert page.find("h1")["id"] == "site-name"  # the admin's own styling for the site's name


def test_the_article_form_loads_the_script_that_names_its_autocomplete_boxes(admin_client):
    assert b"articles/autocomplete_names.js" in admin_client.get(reverse("admin:articles_article_add")).content


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"tags__id__exact": "2"},
        {"tags__isnull": "True", "q": "a b", "state": "draft"},
        {"topic__id__exact": "1", "tags__id__exact": "1", "o": "2", "published_at__year": "2024", "q": "x&y é"},
    ],
)
def test_the_topic_and_tag_filters_link_as_django_s_own(admin_client, make_article, query):
    """TermFilter makes each choice's query string faster than Django's RelatedFieldListFilter: the same links."""
    from django.contrib.admin import RelatedFieldListFilter

    from articles.admin import TermFilter

    topics = [Topic.objects.create(name=f"Topic {n}") for n in range(3)]
    tags = [Tag.objects.create(name=f"tag {n}") for n in range(4)]
    make_article(title="Tagged", topic=topics[0], tags=tags[:2])
    response = admin_client.get(reverse("admin:articles_article_changelist"), query)
    changelist = response.context["cl"]
    ours = [spec for spec in changelist.filter_specs if isinstance(spec, TermFilter)]
    assert len(ours) == 2
    for spec in ours:
        django_s = list(RelatedFieldListFilter.choices(spec, changelist))
        assert list(spec.choices(changelist)) == django_s
        assert len(django_s) > 3
