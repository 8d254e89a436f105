"""import_articles on WordPress exports, through the command and the public site."""

from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect
from django.utils import timezone

from articles.models import Article

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


def test_query_string_permalinks_redirect_from_the_home_page(run_import, client):
    run_import(GUTENBERG)
    forecast = Article.objects.get(slug="cherry-blossom-forecast")
    assert Redirect.objects.filter(old_path="/?p=15", new_path=forecast.get_absolute_url()).exists()
    response = client.get("/?p=15")
    assert response.status_code == 301 and response["Location"] == forecast.get_absolute_url()
    assert client.get("/?p=999").status_code == 200


def test_drafts_get_no_redirect_that_would_reveal_their_address(run_import):
    result = run_import(GUTENBERG)
    draft = Article.objects.get(title="Half-written thoughts on rail passes")
    assert not Redirect.objects.filter(new_path=draft.get_absolute_url()).exists()
    assert "a draft: its 1 old address(es) are not redirected" in result.out


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
