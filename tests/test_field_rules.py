"""Rules every way into an article obeys alike (admin, preview, import, export round trip):
sane dates, one body size limit, one slug form."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def _admin_post(client, **fields):
    data = {
        "title": "Posted",
        "slug": "",
        "body": "Body.",
        "summary": "",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "meta_description": "",
        "canonical_url": "",
    }
    data.update(fields)
    return client.post(ADD_URL, data)


# -- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59", "0001-01-01", "1899-12-31T23:00:00Z", "3000-01-01"])
def test_an_impossible_date_in_front_matter_is_an_error_naming_file_and_line(run_import, write, date):
    bad = write("far.md", f"---\ntitle: Far\ndate: {date}\n---\nBody.\n")
    write("fine.md", "---\ntitle: Fine\ndate: 2024-05-01\n---\nBody.\n")
    result = run_import(bad.parent)
    assert result.code == 1
    assert f"{bad}, line 3: 'date': The year" in result.err and "enter the real date" in result.err
    assert "Traceback" not in result.text
    assert list(Article.objects.values_list("title", flat=True)) == ["Fine"]


def test_an_impossible_date_fails_a_dry_run_cleanly_too(run_import, write):
    bad = write("far.md", "---\ntitle: Far\ndate: 9999-12-31T23:59:59\n---\nBody.\n")
    result = run_import("--dry-run", bad)
    assert result.code == 1 and f"{bad}, line 3" in result.err
    assert not Article.objects.exists()


def test_an_impossible_date_in_a_wordpress_export_fails_only_that_post(run_import, write):
    item = (
        "<item><title>{title}</title><wp:post_id>{id}</wp:post_id><wp:post_date_gmt>{date}</wp:post_date_gmt>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "<content:encoded><![CDATA[<p>Text.</p>]]></content:encoded></item>"
    )
    export = write(
        "export.xml",
        '<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<wp:base_site_url>https://old.example.org</wp:base_site_url>"
        + item.format(title="Far", id=1, date="9999-12-31 23:59:59")
        + item.format(title="Near", id=2, date="2024-01-01 10:00:00")
        + "</channel></rss>",
    )
    result = run_import(export)
    assert result.code == 1
    assert f"{export}, item 1" in result.err and "published_at" in result.err and "9999" in result.err
    assert list(Article.objects.values_list("title", flat=True)) == ["Near"]


def test_the_admin_refuses_an_impossible_date_with_a_message(admin_client):
    response = _admin_post(admin_client, published_at_0="9999-12-31", published_at_1="23:59:59")
    assert response.status_code == 200
    assert "The year 9999 is outside 1900–2999" in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_date_drill_down_at_the_end_of_the_calendar_is_not_a_server_error(admin_client):
    url = reverse("admin:articles_article_changelist")
    for query in ({"published_at__year": "9999"}, {"published_at__year": "9999", "published_at__month": "12"}):
        response = admin_client.get(url, query)
        assert response.status_code in {200, 302}


def test_dates_at_the_edges_of_the_range_are_kept(make_article):
    early = make_article(title="Early", published_at=datetime(1900, 1, 1, 12, tzinfo=UTC))
    late = make_article(title="Late", published_at=datetime(2999, 12, 31, 12, tzinfo=UTC))
    for article in (early, late):
        article.full_clean()


# -- body size -----------------------------------------------------------------------


@pytest.fixture
def small_bodies(settings):
    settings.ARTICLE_BODY_MAX_BYTES = 2000
    return settings.ARTICLE_BODY_MAX_BYTES


def test_the_admin_saves_the_largest_body_the_importer_accepts(admin_client, settings):
    # Non-ASCII text triples in size when a browser URL-encodes the form.
    body = ("é" * 1000 + "\n\n") * (settings.ARTICLE_BODY_MAX_BYTES // 2010)
    assert len(body.encode()) <= settings.ARTICLE_BODY_MAX_BYTES
    response = _admin_post(admin_client, body=body)
    assert response.status_code == 302
    assert Article.objects.get().body == body.strip()


def test_the_preview_shows_the_largest_body_the_importer_accepts(client, editor, settings):
    client.force_login(editor)
    body = "word " * (settings.ARTICLE_BODY_MAX_BYTES // 5)
    response = client.post("/markdownx/markdownify/", {"content": body})
    assert response.status_code == 200


def test_a_body_over_the_limit_is_refused_with_the_same_message_everywhere(
    admin_client, run_import, write, small_bodies
):
    body = "x" * (small_bodies + 1)
    response = _admin_post(admin_client, body=body)
    assert response.status_code == 200
    message = f"The body is {small_bodies + 1:,} bytes; the limit is {small_bodies:,}."
    assert message in response.content.decode()
    path = write("big.md", f"---\ntitle: Big\n---\n{body}\n")
    result = run_import(path)
    assert result.code == 1 and str(path) in result.err and message in result.err
    assert not Article.objects.exists()


# -- slugs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("UPPERCASE-Slug", "uppercase-slug"), ("_under_", "under"), ("-leading-", "leading"), ("café-menu", "café-menu")],
)
def test_a_typed_slug_is_stored_in_its_one_form(admin_client, typed, stored):
    assert _admin_post(admin_client, slug=typed).status_code == 302
    assert Article.objects.get().slug == stored


def test_slugs_differing_only_in_case_are_one_address(admin_client, make_article):
    make_article(title="First", slug="uppercase-slug")
    response = _admin_post(admin_client, slug="UPPERCASE-Slug")
    assert response.status_code == 200
    assert "Article with this Slug already exists." in response.content.decode()


def test_slugs_survive_an_export_and_import_round_trip(admin_client, tmp_path, run_import):
    for typed in ("UPPERCASE-Slug", "_under_", "-leading-", "Ünïcode_Slug"):
        assert _admin_post(admin_client, title=typed, slug=typed).status_code == 302
    before = sorted(Article.objects.values_list("slug", flat=True))
    call_command("export_articles", str(tmp_path / "out"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    Article.objects.all().delete()
    run_import(tmp_path / "out")
    assert sorted(Article.objects.values_list("slug", flat=True)) == before


def test_topic_and_tag_slugs_follow_the_same_rule(admin_client):
    admin_client.post(reverse("admin:articles_topic_add"), {"name": "Mental Health", "slug": "Mental_Health_"})
    admin_client.post(reverse("admin:articles_tag_add"), {"name": "NYC", "slug": "-NYC-"})
    assert Topic.objects.get().slug == "mental_health"
    assert Tag.objects.get().slug == "nyc"


def test_crlf_line_endings_count_once_towards_the_body_limit(admin_client, small_bodies):
    lines = "x" * 8 + "\n"
    body = lines * (small_bodies // len(lines))  # just under the limit with \n, over it with \r\n
    assert len(body.replace("\n", "\r\n").encode()) > small_bodies
    assert _admin_post(admin_client, body=body.replace("\n", "\r\n")).status_code == 302
    assert Article.objects.get().body == body.rstrip("\n")


def test_the_preview_warns_of_a_body_over_the_limit_before_save(client, editor, small_bodies):
    client.force_login(editor)
    response = client.post("/markdownx/markdownify/", {"content": "y" * (small_bodies + 1)})
    assert response.status_code == 200
    assert "This cannot be saved: The body is" in response.content.decode()


def test_a_logged_out_preview_says_so_inside_the_preview_pane(client):
    response = client.post("/markdownx/markdownify/", {"content": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert page.startswith('<p class="errornote" role="alert">No preview: your session may have ended.')
    assert "<html" not in page and "stylesheet" not in page


def test_a_body_of_only_spaces_is_refused(admin_client):
    response = _admin_post(admin_client, body="   \r\n\r\n  ")
    assert response.status_code == 200
    assert "An article needs a body: this one is only spaces or invisible characters." in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("title", "message"),
    [("x" * 305, "Ensure this value has at most 200 characters (it has 305)."), ("   ", "This field is required.")],
)
def test_a_bad_title_gets_one_clear_message(admin_client, title, message):
    response = _admin_post(admin_client, title=title)
    errors = response.context["adminform"].form.errors
    assert errors["title"] == [message]
    assert "An article needs a title" not in response.content.decode()


def test_saving_unchanged_or_publishing_does_not_move_the_updated_date(admin_client, browser_post, make_article):
    article = make_article(title="Steady", status=Article.Status.DRAFT)
    Article.objects.filter(pk=article.pk).update(updated_at=datetime(2025, 1, 10, tzinfo=UTC))
    browser_post(admin_client, reverse("admin:articles_article_change", args=[article.pk]))
    url = reverse("admin:articles_article_changelist")
    admin_client.post(url, {"action": "publish", "_selected_action": [article.pk]})
    admin_client.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    assert Article.objects.get().updated_at == datetime(2025, 1, 10, tzinfo=UTC)
    browser_post(admin_client, reverse("admin:articles_article_change", args=[article.pk]), {"body": "New words."})
    assert Article.objects.get().updated_at > datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("body", ["\u00a0\u00a0\u00a0", "\u200b\u200b", " \u3000\r\n\t"])
def test_a_body_of_invisible_characters_is_refused(admin_client, body):
    response = _admin_post(admin_client, body=body)
    assert "An article needs a body: this one is only spaces or invisible characters." in response.content.decode()
    assert not Article.objects.exists()


def test_a_title_of_invisible_characters_is_refused_and_control_characters_go(admin_client):
    response = _admin_post(admin_client, title="\u200b")
    assert "An article needs a title: this one is only spaces or invisible characters." in response.content.decode()
    assert _admin_post(admin_client, title="bell\x07 title").status_code == 302
    assert Article.objects.get().title == "bell title"
