"""import_articles on WordPress exports, through the command and the public site."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect
from django.utils import timezone

from articles.importers.records import ArticleRecord
from articles.importers.wordpress import iter_items
from articles.models import Article, DeletedImport

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress"
GUTENBERG = FIXTURES / "wxr-1.2-gutenberg.xml"


def test_posts_become_articles_and_other_items_are_skipped_and_counted(run_import):
    result = run_import(GUTENBERG)
    assert result.code == 0, result.text
    assert "4 created, 0 updated, 0 unchanged, 0 locally modified, 4 skipped, 0 failed" in result.out
    assert "skipped: 1 attachment, 1 nav_menu_item, 1 page, 1 wp_block" in result.out
    assert "item 1 (line 42): dropped embedded <iframe>" in result.out
    assert Article.objects.count() == 4


def test_statuses_map_and_nothing_unpublished_becomes_public(run_import):
    run_import(GUTENBERG)
    kyoto = Article.objects.get(slug="two-weeks-in-kyoto")
    forecast = Article.objects.get(slug="cherry-blossom-forecast")
    draft = Article.objects.get(title="Half-written thoughts on rail passes")
    assert kyoto.is_public
    assert forecast.status == Article.Status.PUBLISHED and forecast.published_at > timezone.now()
    assert forecast in Article.objects.scheduled()
    assert draft.status == Article.Status.DRAFT and draft.published_at is None
    assert set(Article.objects.published()) == {kyoto, Article.objects.get(title="日本の旅")}


def test_old_permalinks_redirect_permanently_to_the_new_address(run_import, client):
    run_import(GUTENBERG)
    kyoto = Article.objects.get(slug="two-weeks-in-kyoto")
    response = client.get("/2024/01/two-weeks-in-kyoto/")
    assert response.status_code == 301 and response["Location"] == kyoto.get_absolute_url()
    japanese = Article.objects.get(title="日本の旅")
    response = client.get("/2024/01/%E6%97%A5%E6%9C%AC%E3%81%AE%E6%97%85/")
    assert response.status_code == 301 and response["Location"] == japanese.get_absolute_url()


def test_query_string_permalinks_redirect_from_the_home_page_once_the_article_is_public(run_import, client):
    run_import(GUTENBERG)
    forecast = Article.objects.get(slug="cherry-blossom-forecast")
    assert Redirect.objects.filter(old_path="/?p=15", new_path=forecast.get_absolute_url()).exists()
    # Scheduled: its old address answers like an unknown one until its time.
    assert client.get("/?p=15").status_code == 404
    assert client.get("/?p=999").status_code == 404
    Article.objects.filter(pk=forecast.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/?p=15")
    assert response.status_code == 301 and response["Location"] == forecast.get_absolute_url()


def test_a_drafts_old_address_is_kept_but_reveals_nothing_until_it_is_public(run_import, client):
    run_import(GUTENBERG)
    draft = Article.objects.get(title="Half-written thoughts on rail passes")
    assert Redirect.objects.filter(old_path="/?p=16", new_path=draft.get_absolute_url()).exists()
    response = client.get("/?p=16")
    assert response.status_code == 404 and draft.slug not in response.content.decode()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    response = client.get("/?p=16")
    assert response.status_code == 301 and response["Location"] == draft.get_absolute_url()


def test_include_pages_imports_pages_too(run_import):
    result = run_import("--include-pages", GUTENBERG)
    assert "5 created" in result.out
    assert Article.objects.filter(title="About").exists()


def test_reimport_of_an_unchanged_export_changes_nothing(run_import):
    run_import(GUTENBERG)
    before = list(Article.objects.values_list("pk", "updated_at", "body"))
    result = run_import(GUTENBERG)
    assert "0 created, 0 updated, 4 unchanged" in result.out
    assert list(Article.objects.values_list("pk", "updated_at", "body")) == before


def test_status_option_forces_drafts(run_import):
    run_import("--status", "draft", GUTENBERG)
    assert not Article.objects.published().exists() and not Article.objects.scheduled().exists()


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("billion-laughs.xml", "entity"),
        ("external-entity.xml", "external"),
        ("plain-rss.xml", "not a wordpress export"),
    ],
)
def test_hostile_or_foreign_xml_is_refused_with_the_file_named_and_nothing_written(run_import, fixture, message):
    result = run_import(FIXTURES / fixture)
    assert result.code == 1
    assert str(FIXTURES / fixture) in result.err and message in result.err.lower()
    assert not Article.objects.exists() and not Redirect.objects.exists()


def test_a_file_broken_midway_keeps_the_whole_items_before_the_break_and_names_the_line(run_import):
    result = run_import(FIXTURES / "malformed.xml")
    assert result.code == 1
    assert f"{FIXTURES / 'malformed.xml'} (line 14, column 51): is not well-formed XML" in result.err
    for article in Article.objects.all():
        assert article.title and article.body_html  # whole articles only


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Old</title><link>https://old.example.org</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example.org</wp:base_site_url>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://old.example.org/{slug}/</link>
<guid isPermaLink="false">https://old.example.org/?p={id}</guid><dc:creator>nobody</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date_gmt>2020-01-0{id} 10:00:00</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"""


def test_links_between_imported_posts_point_at_their_new_addresses_whatever_the_order(run_import, write):
    first = ITEM.format(
        title="First",
        slug="first-post",
        id=1,
        body='<p>See <a href="https://old.example.org/second-post/">two</a>.</p>',
    )
    second = ITEM.format(
        title="Second", slug="second-post", id=2, body='<p>Back to <a href="/first-post/">one</a>.</p>'
    )
    other = ITEM.format(
        title="Third", slug="third", id=3, body='<p><a href="https://elsewhere.example.com/second-post/">x</a></p>'
    )
    result = run_import(write("export.xml", WXR.format(items=first + second + other)))
    assert result.code == 0, result.text
    assert Article.objects.get(title="First").body == "See [two](/articles/second-post/)."
    assert Article.objects.get(title="Second").body == "Back to [one](/articles/first-post/)."
    assert Article.objects.get(title="Third").body == "[x](https://elsewhere.example.com/second-post/)"
    assert "author 'nobody' is not a user here" in result.out


def test_an_item_over_the_size_limit_fails_alone(run_import, write):
    small = ITEM.format(title="Small", slug="small", id=1, body="<p>short</p>")
    big = ITEM.format(title="Big", slug="big", id=2, body="<p>" + "x" * 5000 + "</p>")
    result = run_import("--max-file-size", "2000", write("export.xml", WXR.format(items=small + big)))
    assert result.code == 1
    assert "item 2" in result.err and "over the 2000 byte limit" in result.err.replace(",", "")
    assert list(Article.objects.values_list("title", flat=True)) == ["Small"]


# --- What real exports hold: shared guids, untitled, empty and password-protected posts --------

REAL_WORLD = FIXTURES / "wxr-1.2-real-world.xml"


def test_every_post_of_a_real_export_arrives_and_a_second_run_changes_nothing(run_import):
    result = run_import(REAL_WORLD)
    assert result.code == 0, result.text
    assert "6 created, 0 updated, 0 unchanged, 0 locally modified, 1 skipped, 0 failed" in result.out
    assert "skipped: 1 attachment" in result.out
    assert {article.title: article.state for article in Article.objects.all()} == {
        "Summer menu": "Published",
        "Summer menu: vegan edition": "Published",  # shares the first one's guid
        "Closed on Monday 3 June for a private…": "Published",
        "Opening hours": "Draft",
        "Staff rota for June": "Draft",
        "Untitled (2024-06-10)": "Draft",
    }
    assert "had no title; titled it 'Closed on Monday 3 June for a private…'" in result.out
    assert "item 5 (line 159): has no content in WordPress; imported as a draft with a placeholder body" in result.out
    assert "was password-protected in WordPress; imported as a draft" in result.out

    before = list(Article.objects.order_by("pk").values_list("pk", "import_key", "slug", "updated_at", "body"))
    again = run_import(REAL_WORLD)
    assert "0 created, 0 updated, 6 unchanged, 0 locally modified, 1 skipped, 0 failed" in again.out
    assert list(Article.objects.order_by("pk").values_list("pk", "import_key", "slug", "updated_at", "body")) == before


def test_posts_sharing_a_guid_each_keep_their_own_address(run_import, client):
    run_import(REAL_WORLD)
    for old, title in [("summer-menu", "Summer menu"), ("summer-menu-vegan", "Summer menu: vegan edition")]:
        article = Article.objects.get(title=title)
        assert article.slug == old
        response = client.get(f"/2024/06/{old}/")
        assert response.status_code == 301 and response["Location"] == article.get_absolute_url()
        assert client.get(article.get_absolute_url()).status_code == 200


def test_password_protected_post_is_not_public(run_import, client):
    run_import(REAL_WORLD)
    rota = Article.objects.get(title="Staff rota for June")
    assert rota.status == Article.Status.DRAFT
    assert rota.body == "Weekdays: Sam opens, Priya closes. Weekends: Tom, and Maria on call."
    assert client.get(rota.get_absolute_url()).status_code == 404
    assert client.get("/2024/06/staff-rota-june/").status_code == 404  # its old address gives nothing away
    home = client.get("/")
    assert rota not in home.context["articles"]
    assert "Staff rota" not in home.content.decode() and "Sam opens" not in home.content.decode()


def test_empty_post_waits_as_a_draft_with_a_placeholder_body(run_import, client):
    run_import(REAL_WORLD)
    hours = Article.objects.get(title="Opening hours")
    assert (hours.status, hours.body) == (Article.Status.DRAFT, "*This post was empty in WordPress.*")
    assert hours.published_at is not None  # WordPress's date, kept for when an editor publishes it
    assert client.get(hours.get_absolute_url()).status_code == 404
    untitled = Article.objects.get(title="Untitled (2024-06-10)")
    assert (untitled.status, untitled.slug, untitled.published_at) == (
        Article.Status.DRAFT,
        "untitled-2024-06-10",
        None,
    )


def test_articles_an_earlier_version_keyed_by_guid_are_adopted_not_duplicated(run_import):
    # Relies on the writer adopting an article stored under ArticleRecord.legacy_key.
    run_import(GUTENBERG)
    with GUTENBERG.open("rb") as stream:
        legacy = {r.import_key: r.legacy_key for r in iter_items(stream, location="x") if isinstance(r, ArticleRecord)}
    for pk, key in Article.objects.values_list("pk", "import_key"):  # as the guid-keyed importer left them
        Article.objects.filter(pk=pk).update(import_key=legacy[key])
    before = set(Article.objects.values_list("pk", "slug"))

    result = run_import(GUTENBERG)
    assert result.code == 0, result.text
    assert "0 created" in result.out and "0 failed" in result.out
    assert set(Article.objects.values_list("pk", "slug")) == before
    assert set(Article.objects.values_list("import_key", flat=True)) == set(legacy)
    assert "0 created, 0 updated, 4 unchanged" in run_import(GUTENBERG).out


def test_two_posts_an_earlier_version_stored_as_one_both_arrive(run_import):
    # Relies on the writer's adoption too. Keyed by their shared guid, the later post had overwritten the earlier.
    run_import(REAL_WORLD)
    Article.objects.get(title="Summer menu").delete()
    DeletedImport.objects.all().delete()  # an earlier version never had it: it was overwritten, not deleted
    vegan = Article.objects.get(title="Summer menu: vegan edition")
    Article.objects.filter(pk=vegan.pk).update(import_key="wordpress:https://cafe.example.com/?p=101")

    result = run_import(REAL_WORLD)
    assert result.code == 0, result.text
    assert "1 created" in result.out
    assert sorted(Article.objects.filter(title__startswith="Summer menu").values_list("title", flat=True)) == [
        "Summer menu",
        "Summer menu: vegan edition",
    ]
    assert Article.objects.count() == 6
    assert "0 created, 0 updated, 6 unchanged" in run_import(REAL_WORLD).out


def test_export_without_a_site_address_is_recognised_by_its_source_name(run_import, write, tmp_path):
    # WordPress before 2.5 wrote no wp:base_site_url; posts are then known by the --source name.
    items = ITEM.format(title="One", slug="one", id=1, body="<p>1</p>") + ITEM.format(
        title="Two", slug="two", id=2, body="<p>2</p>"
    )
    export = WXR.format(items=items).replace("<wp:base_site_url>https://old.example.org</wp:base_site_url>", "")
    first = write("export.xml", export)
    moved = tmp_path / "elsewhere" / "renamed.xml"
    moved.parent.mkdir()
    moved.write_text(export, encoding="utf-8")
    assert "2 created" in run_import("--source", "old-blog", first).out
    assert "0 created, 0 updated, 2 unchanged" in run_import("--source", "old-blog", moved).out


def test_status_published_never_makes_a_password_protected_or_empty_post_public(run_import, client):
    result = run_import("--status", "published", REAL_WORLD)
    rota = Article.objects.get(title="Staff rota for June")
    hours = Article.objects.get(title="Opening hours")
    assert rota.status == hours.status == Article.Status.DRAFT
    assert "kept as a draft despite --status published: it was password-protected" in result.out
    assert client.get(rota.get_absolute_url()).status_code == 404


def test_invisible_only_title_and_body_are_treated_as_missing(run_import, write):
    # Zero-width spaces and &nbsp; are what an "empty" block often holds: the post still arrives.
    items = ITEM.format(title="\u200b", slug="ghost", id=1, body="<p>\u200b&nbsp;</p>")
    result = run_import(write("ghost.xml", WXR.format(items=items)))
    assert result.code == 0, result.text
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.title.startswith("Untitled")
    assert "has no content in WordPress; imported as a draft" in result.out
