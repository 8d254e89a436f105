"""The WordPress export (WXR) parser and its HTML-to-Markdown conversion. Pure parsing: no database."""

import io
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.importers.html_to_markdown import html_to_markdown
from articles.importers.records import ArticleRecord, Skipped, SourceError
from articles.importers.wordpress import EMPTY_BODY, KEY_MAX_LENGTH, iter_items, looks_like_wxr
from articles.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress"


def parse_fixture(name: str, **options) -> list:
    with (FIXTURES / name).open("rb") as stream:
        return list(iter_items(stream, location=name, **options))


SITE = "<wp:base_site_url>https://site.example</wp:base_site_url>"


def wxr(*items: str, version: str = "1.2", site: str = SITE) -> bytes:
    """A minimal export around the given <item> elements; `site` is the channel's site address(es)."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
	<title>Test site</title>
	<wp:wxr_version>{version}</wp:wxr_version>
	{site}
	{"".join(items)}
</channel>
</rss>
""".encode()


def item(extra: str = "", **fields: str) -> str:
    """One <item>; keyword arguments replace the default fields (wp_status= for <wp:status>...)."""
    values = {
        "title": "A post",
        "link": "https://site.example/2024/05/a-post/",
        "guid": "https://site.example/?p=7",
        "dc_creator": "alice",
        "content_encoded": "<p>Body.</p>",
        "excerpt_encoded": "",
        "wp_post_id": "7",
        "wp_post_date": "2024-05-01 12:00:00",
        "wp_post_date_gmt": "2024-05-01 10:00:00",
        "wp_post_modified": "2024-05-02 12:00:00",
        "wp_post_modified_gmt": "2024-05-02 10:00:00",
        "wp_post_name": "a-post",
        "wp_status": "publish",
        "wp_post_type": "post",
    } | fields
    xml = []
    for key, value in values.items():
        tag = key.replace("_", ":", 1) if key.startswith(("wp_", "dc_", "content_", "excerpt_")) else key
        attrs = ' isPermaLink="false"' if tag == "guid" else ""
        xml.append(f"<{tag}{attrs}><![CDATA[{value}]]></{tag}>")
    return f"<item>{''.join(xml)}{extra}</item>\n"


def category(domain: str, nicename: str, name: str) -> str:
    return f'<category domain="{domain}" nicename="{nicename}"><![CDATA[{name}]]></category>'


def postmeta(key: str, value: str) -> str:
    pair = f"<wp:meta_key>{key}</wp:meta_key><wp:meta_value><![CDATA[{value}]]></wp:meta_value>"
    return f"<wp:postmeta>{pair}</wp:postmeta>"


def parse(data: bytes, **options) -> list:
    return list(iter_items(io.BytesIO(data), location="export.xml", **options))


def one(extra: str = "", **fields: str):
    [result] = parse(wxr(item(extra, **fields)))
    return result


def keys(data: bytes, **options) -> list[tuple[str, str]]:
    return [(record.import_key, record.legacy_key) for record in parse(data, **options)]


def parse_error(data: bytes) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse(data)
    return caught.value


# --- Sniffing -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wxr-1.0-legacy.xml", "wxr-1.1-classic.xml", "wxr-1.2-gutenberg.xml"])
def test_looks_like_wxr_recognises_exports_of_every_version(name):
    assert looks_like_wxr((FIXTURES / name).read_bytes()[:4096])


@pytest.mark.parametrize(
    "head",
    [
        (FIXTURES / "plain-rss.xml").read_bytes(),
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
        b"---\ntitle: Markdown\n---\nwordpress.org/export/1.2/ mentioned in text",
        b"Just some scraped text.",
    ],
)
def test_looks_like_wxr_rejects_other_files(head):
    assert not looks_like_wxr(head)


# --- A realistic Gutenberg export (WXR 1.2) -----------------------------------------


@pytest.fixture(scope="module")
def gutenberg():
    return parse_fixture("wxr-1.2-gutenberg.xml")


def test_published_post_maps_every_field(gutenberg):
    post = gutenberg[0]
    assert isinstance(post, ArticleRecord)
    assert post.import_key == "wordpress:blog.example.com:12"
    assert post.legacy_key == "wordpress:https://blog.example.com/?p=12"  # its key before post ids
    assert post.location == "wxr-1.2-gutenberg.xml, item 1 (line 42)"
    assert post.title == "Two Weeks in Kyoto & Nara"
    assert post.slug == "two-weeks-in-kyoto"
    assert post.summary == "Two weeks of temples, tea and trains."
    assert post.meta_description == "Two slow weeks in Kyoto and Nara: where to stay, what to see."
    assert post.canonical_url == "https://travel.example.net/kyoto/"
    assert post.status == "published"
    assert post.published_at == datetime(2024, 1, 8, 9, 30, tzinfo=UTC)
    assert post.updated_at == datetime(2024, 1, 10, 11, 0, tzinfo=UTC)
    assert post.topic == "Travel"
    assert post.tags == ["Japan", "Food & Drink"]  # "JAPAN" repeats "Japan"
    assert post.author == "alice"
    assert post.redirect_from == ["/2024/01/two-weeks-in-kyoto/", "/2024/01/kyoto-trip/"]  # and its old slug
    assert post.source_url == "https://blog.example.com/2024/01/two-weeks-in-kyoto/"


def test_gutenberg_blocks_become_clean_markdown(gutenberg):
    body = gutenberg[0].body
    assert body.startswith(
        "We spent **two weeks** in Kyoto. Read [my packing list](https://blog.example.com/2023/11/packing-list/) first."
    )
    assert "\n## Where we stayed\n" in body  # WordPress's <h2> sections stay <h2> after our renderer
    image = "https://blog.example.com/wp-content/uploads/2024/01/ryokan-1024x683.jpg"
    assert f"![A ryokan room with tatami mats]({image})\n\nOur room in Gion" in body
    assert "- Fushimi Inari at dawn\n- Nara's deer park" in body
    assert "> Travel slowly.\n>\n> — A friend" in body
    assert "<https://www.youtube.com/watch?v=dQw4w9WgXcQ>" in body  # an embed block keeps its URL
    assert "```\nif budget < 100:\n    stay_home()\n```" in body
    assert "| Night | Price |\n| --- | --- |\n| Ryokan | ¥30,000 |" in body
    for residue in ("<!--", "wp:", "trackVisit", "maps.example.com", "[gallery", "<script", "\n\n\n"):
        assert residue not in body


def test_what_the_body_lost_is_noted(gutenberg):
    assert gutenberg[0].notes == [
        "dropped shortcode [gallery]",
        "dropped embedded <iframe> https://maps.example.com/embed?kyoto",
        "has a featured image (attachment 31); give --media-root to bring it in",
    ]


def test_comment_metadata_does_not_leak_into_the_post(gutenberg):
    post = gutenberg[0]
    assert "Not the post's description" not in post.meta_description
    assert "cheap flights" not in post.body


def test_attachments_menu_items_and_reusable_blocks_are_skipped(gutenberg):
    skipped = [result for result in gutenberg if isinstance(result, Skipped)]
    assert [(s.kind, s.location) for s in skipped] == [
        ("attachment", "wxr-1.2-gutenberg.xml, item 2 (line 158)"),
        ("page", "wxr-1.2-gutenberg.xml, item 5 (line 241)"),
        ("nav_menu_item", "wxr-1.2-gutenberg.xml, item 6 (line 271)"),
        ("wp_block", "wxr-1.2-gutenberg.xml, item 7 (line 300)"),
    ]


def test_pages_are_imported_only_when_asked():
    results = parse_fixture("wxr-1.2-gutenberg.xml", include_pages=True)
    [page] = [r for r in results if isinstance(r, ArticleRecord) and r.title == "About"]
    assert page.slug == "about"
    assert page.redirect_from == ["/about/"]
    assert page.import_key == "wordpress:blog.example.com:2"
    assert "page" not in [r.kind for r in results if isinstance(r, Skipped)]


def test_scheduled_post_is_published_with_its_future_date(gutenberg):
    post = gutenberg[2]
    assert post.title == "Cherry Blossom Forecast"
    assert (post.status, post.published_at) == ("published", datetime(2099, 3, 1, 8, 0, tzinfo=UTC))
    assert post.topic == ""  # only "Uncategorized"


def test_draft_without_a_date_or_slug_keeps_them_empty(gutenberg):
    draft = gutenberg[3]
    assert (draft.status, draft.published_at, draft.slug) == ("draft", None, "")
    assert draft.redirect_from == ["/?p=16"]  # the site root with ?p= is only an address with its query


def test_percent_encoded_slugs_and_paths_are_decoded(gutenberg):
    post = gutenberg[-1]
    assert post.slug == "日本の旅"
    assert post.redirect_from == ["/2024/01/日本の旅/"]
    assert post.meta_description == "京都と奈良の旅。"  # Rank Math


def test_results_come_one_per_item_in_file_order(gutenberg):
    assert [r.location.split(", ")[1] for r in gutenberg] == [f"item {n} (line {line})" for n, line in zip(
        range(1, 9), [42, 158, 187, 214, 241, 271, 300, 326], strict=True
    )]  # fmt: skip


# --- Classic editor (WXR 1.1) and WordPress 2.x (WXR 1.0) ---------------------------


def test_classic_post_gets_paragraphs_captions_and_links():
    post, _private = parse_fixture("wxr-1.1-classic.xml")
    assert post.body == (
        "Spring is here, so it's time to sow.  \n"
        "Start them indoors.\n\n"
        "[![Tomato seedlings on a windowsill](http://garden.example.org/wp-content/uploads/2013/03/seedlings-300x225.jpg)]"
        "(http://garden.example.org/wp-content/uploads/2013/03/seedlings.jpg)\n\n"
        "Seedlings after two weeks\n\n"
        "You will need:\n\n"
        "- seed compost\n"
        "- small pots\n\n"
        "## Hardening off\n\n"
        "Put them outside for a few hours a day. See [the RHS advice](http://www.rhs.org.uk/advice) for more.\n\n"
        "Happy growing! ![:)](http://garden.example.org/wp-includes/images/smilies/icon_smile.gif)"
    )
    assert post.topic == ""
    assert post.tags == ["tomatoes"]
    assert post.meta_description == "How to sow and harden off tomato seedlings."  # All in One SEO


def test_private_post_becomes_a_draft_and_says_so():
    _post, private = parse_fixture("wxr-1.1-classic.xml")
    assert private.status == "draft"
    assert private.notes == ["WordPress status 'private' imported as a draft"]


def test_wxr_1_0_export_with_duplicate_terms_and_no_gmt_dates():
    mill, council = parse_fixture("wxr-1.0-legacy.xml")
    assert (mill.topic, mill.tags) == ("News", ["history"])
    assert mill.published_at == datetime(2009, 3, 1, 14, 0, tzinfo=UTC)
    assert mill.notes == ["wp:post_date has no GMT version; read 2009-03-01 14:00:00 as UTC"]
    assert mill.redirect_from == ["/?p=5"]
    assert mill.body == "The mill on Water Lane opened its doors again on Saturday.\n\nOver 200 people came."
    assert (mill.import_key, mill.legacy_key) == (
        "wordpress:old.example.org:5",
        "wordpress:http://old.example.org/?p=5",
    )
    # No guid: earlier versions keyed it by the site's address as written, and the post id.
    assert (council.import_key, council.legacy_key) == (
        "wordpress:old.example.org:6",
        "wordpress:http://old.example.org:6",
    )
    assert (council.topic, council.redirect_from) == ("", [])


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_namespace_version_is_read(version):
    [post] = parse(wxr(item(extra=category("category", "news", "News")), version=version))
    assert (post.title, post.topic, post.status) == ("A post", "News", "published")


# --- Field rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wp_status", "status"),
    [
        ("publish", "published"),
        ("future", "published"),
        ("draft", "draft"),
        ("pending", "draft"),
        ("private", "draft"),
        ("trash", "draft"),
        ("auto-draft", "draft"),
        ("inherit", "draft"),
        ("something-new", "draft"),
    ],
)
def test_status_mapping_never_makes_unpublished_posts_public(wp_status, status):
    assert one(wp_status=wp_status).status == status


@pytest.mark.parametrize("wp_status", ["pending", "private", "trash", "auto-draft", "inherit", ""])
def test_non_draft_statuses_are_noted(wp_status):
    assert one(wp_status=wp_status).notes == [f"WordPress status {wp_status or '(none)'!r} imported as a draft"]


def test_drafts_need_no_note():
    assert one(wp_status="draft").notes == []


def test_gmt_dates_become_aware_utc():
    post = one()
    assert post.published_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert post.updated_at == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)


def test_zero_dates_mean_no_date_for_drafts():
    zero = "0000-00-00 00:00:00"
    draft = one(wp_status="draft", wp_post_date_gmt=zero, wp_post_modified_gmt=zero, wp_post_modified=zero)
    assert (draft.published_at, draft.updated_at) == (None, None)


def test_published_post_without_gmt_date_uses_local_date_as_utc():
    post = one(wp_post_date_gmt="0000-00-00 00:00:00", wp_post_date="2015-06-01 08:30:00")
    assert post.published_at == datetime(2015, 6, 1, 8, 30, tzinfo=UTC)


def test_published_post_without_any_date_is_noted():
    post = one(wp_post_date_gmt="0000-00-00 00:00:00", wp_post_date="0000-00-00 00:00:00")
    assert (post.status, post.published_at) == ("published", None)
    assert "published in WordPress but has no date; it will be dated at import" in post.notes


def test_scheduled_post_without_a_date_stays_a_draft():
    post = one(wp_status="future", wp_post_date_gmt="0000-00-00 00:00:00", wp_post_date="0000-00-00 00:00:00")
    assert (post.status, post.published_at) == ("draft", None)


def test_unreadable_date_is_ignored_with_a_note():
    post = one(wp_post_date_gmt="yesterday")
    assert post.published_at is None
    assert "ignored unreadable wp:post_date_gmt 'yesterday'" in post.notes


def test_first_real_category_is_the_topic():
    post = one(extra=category("category", "uncategorized", "Uncategorized") + category("category", "news", "News"))
    assert post.topic == "News"


def test_tags_keep_order_and_drop_case_insensitive_repeats():
    tags = [category("post_tag", slug, name) for slug, name in [("b", "Beta"), ("a", "alpha"), ("b2", "BETA")]]
    assert one(extra="".join(tags)).tags == ["Beta", "alpha"]


def test_earlier_slugs_become_redirects_too():
    post = one(extra=postmeta("_wp_old_slug", "first-name") + postmeta("_wp_old_slug", "second-name"))
    assert post.redirect_from == ["/2024/05/a-post/", "/2024/05/first-name/", "/2024/05/second-name/"]


def test_trashed_slug_loses_wordpress_suffix():
    assert one(wp_status="trash", wp_post_name="old-news__trashed").slug == "old-news"


def test_html_in_title_and_excerpt_becomes_plain_text():
    post = one(title="Fish &amp; <em>Chips</em>", excerpt_encoded="<p>Crispy &amp; hot.</p>\n<p>Cheap.</p>")
    assert (post.title, post.summary) == ("Fish & Chips", "Crispy & hot. Cheap.")


def test_yoast_description_wins_over_other_seo_plugins():
    post = one(extra=postmeta("rank_math_description", "Rank Math") + postmeta("_yoast_wpseo_metadesc", "Yoast"))
    assert post.meta_description == "Yoast"


def test_canonical_url_must_be_http():
    post = one(extra=postmeta("_yoast_wpseo_canonical", "javascript:alert(1)"))
    assert post.canonical_url == ""
    assert "ignored canonical URL 'javascript:alert(1)': not an http(s) address" in post.notes


def test_guid_is_the_old_address_when_there_is_no_link():
    post = one(link="", extra="").redirect_from
    assert post == []  # the default guid says isPermaLink="false"
    permalink = item(link="").replace('isPermaLink="false"', 'isPermaLink="true"')
    permalink = permalink.replace("https://site.example/?p=7", "https://site.example/old/permalink/")
    [record] = parse(wxr(permalink))
    assert record.redirect_from == ["/old/permalink/"]


def test_item_without_guid_or_post_id_is_an_item_error():
    error = one(guid="", wp_post_id="")
    assert isinstance(error, SourceError)
    assert "neither a guid nor a wp:post_id" in error.message


def test_content_over_the_size_limit_is_an_item_error():
    results = parse(wxr(item(content_encoded="é" * 600), item(wp_post_id="8")), max_item_size=1000)
    assert isinstance(results[0], SourceError)
    assert results[0].message == "content is 1200 bytes, over the 1000 byte limit (IMPORT_MAX_FILE_SIZE)"
    assert isinstance(results[1], ArticleRecord)


def test_absurdly_nested_html_is_an_item_error():
    result = one(content_encoded="<div>" * 5000 + "deep" + "</div>" * 5000)
    assert isinstance(result, SourceError)
    assert result.message == "its HTML is nested too deeply to convert"


def test_cdata_split_by_wordpress_is_joined():
    # WordPress writes "]]>" inside content as "]]]]><![CDATA[>".
    data = wxr(item()).replace(b"<![CDATA[<p>Body.</p>]]>", b"<![CDATA[<p>a ]]]]><![CDATA[> b</p>]]>")
    [post] = parse(data)
    assert post.body == "a ]]> b"


# --- Keys: every post is its site and its wp:post_id -----------------------------------------


REAL_WORLD = "wxr-1.2-real-world.xml"


def test_posts_sharing_a_guid_are_two_posts():
    # A duplicate-post plugin copied the guid; keyed by guid, each overwrote the other.
    results = parse(wxr(item(), item(title="The copy", wp_post_id="8", wp_post_name="a-post-2")))
    assert [(r.title, r.import_key) for r in results] == [
        ("A post", "wordpress:site.example:7"),
        ("The copy", "wordpress:site.example:8"),
    ]


def test_only_the_first_post_with_a_guid_may_adopt_the_article_stored_under_it():
    # Earlier versions stored one article per guid; the first post takes it over, the others are new.
    data = wxr(item(), item(wp_post_id="8"), item(wp_post_id="9", guid="https://site.example/?p=9"))
    assert keys(data) == [
        ("wordpress:site.example:7", "wordpress:https://site.example/?p=7"),
        ("wordpress:site.example:8", ""),
        ("wordpress:site.example:9", "wordpress:https://site.example/?p=9"),
    ]


@pytest.mark.parametrize(
    ("address", "site"),
    [
        ("https://site.example", "site.example"),
        ("http://site.example/", "site.example"),  # the same site before it moved to HTTPS
        ("https://Site.EXAMPLE//", "site.example"),
        ("https://site.example:8443/", "site.example:8443"),
        ("https://site.example/Blog/", "site.example/Blog"),  # paths are case-sensitive
        ("site.example/blog", "site.example/blog"),  # hand-made: no scheme
    ],
)
def test_site_address_is_normalised_in_the_key(address, site):
    [(key, _)] = keys(wxr(item(), site=f"<wp:base_site_url>{address}</wp:base_site_url>"))
    assert key == f"wordpress:{site}:7"


def test_multisite_export_is_keyed_by_its_own_site_not_the_network():
    # On a network every site's export has the network's address as base_site_url, and post ids overlap.
    site = (
        "<wp:base_site_url>https://network.example</wp:base_site_url>"
        "<wp:base_blog_url>https://network.example/kitchen</wp:base_blog_url>"
    )
    no_guid = item(guid="")
    assert keys(wxr(no_guid, site=site)) == [
        ("wordpress:network.example/kitchen:7", "wordpress:https://network.example:7")  # earlier: the network's
    ]


def test_export_without_a_site_address_is_named_by_the_source():
    data = wxr(item(guid=""), site="")
    assert keys(data, source_name="old-blog") == [("wordpress:old-blog:7", "wordpress::7")]
    assert keys(data) == [("wordpress:export.xml:7", "wordpress::7")]  # else by where it was read


def test_post_without_a_post_id_is_keyed_by_its_guid():
    assert keys(wxr(item(wp_post_id=""))) == [("wordpress:https://site.example/?p=7", "")]


def test_repeated_post_id_is_an_item_error_so_reimports_do_not_flip():
    results = parse(wxr(item(), item(title="Again"), item(wp_post_id="8")))
    assert isinstance(results[1], SourceError)
    assert results[1].message == "repeats the wp:post_id of item 1 (7): one post twice; item 1 is imported"
    assert [r.title for r in (results[0], results[2])] == ["A post", "A post"]


def test_repeated_guid_without_post_ids_is_an_item_error():
    [_first, second] = parse(wxr(item(wp_post_id=""), item(wp_post_id="")))
    assert (
        second.message == "repeats the guid of item 1 (https://site.example/?p=7): one post twice; item 1 is imported"
    )


def test_overlong_key_is_hashed_to_fit():
    [(key, _)] = keys(wxr(item(guid=""), site=""), source_name="/exports/" + "deep/" * 120)
    assert key.startswith("wordpress:sha256:") and len(key) <= KEY_MAX_LENGTH
    assert keys(wxr(item(guid=""), site=""), source_name="/exports/" + "deep/" * 120)[0][0] == key  # stable


def test_real_world_export_yields_every_post_with_its_own_key():
    results = parse_fixture(REAL_WORLD)
    records = [r for r in results if isinstance(r, ArticleRecord)]
    assert [r.import_key.rpartition(":")[2] for r in records] == ["101", "140", "150", "160", "170", "180"]
    assert len({r.import_key for r in records}) == 6
    assert [(s.kind, s.location) for s in results if isinstance(s, Skipped)] == [
        ("attachment", f"{REAL_WORLD}, item 2 (line 76)"),
    ]
    assert not any(isinstance(r, SourceError) for r in results)


# --- Posts WordPress publishes although we might not expect them -----------------------------


def test_untitled_post_is_titled_by_its_first_words():
    body = "<p>Back from the coast at last. The weather held for all seven days.</p>"
    post = one(title="", content_encoded=body)
    assert post.title == "Back from the coast at last. The weather…"  # eight words
    assert post.notes == ["had no title; titled it 'Back from the coast at last. The weather…'"]
    assert post.status == "published"


@pytest.mark.parametrize("title", ["", "   ", "<span> </span>", "&nbsp;", "<b></b>\n"])
def test_blank_or_tag_only_titles_count_as_none(title):
    assert one(title=title, content_encoded="<p>Gone fishing.</p>").title == "Gone fishing"  # no full stop


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("One, two, three, four, five, six, seven, eight, nine", "One, two, three, four, five, six, seven, eight…"),
        (
            "Antidisestablishmentarianism notwithstanding, extraordinarily incomprehensible bureaucracies persist",
            "Antidisestablishmentarianism notwithstanding…",  # 60 characters at most
        ),
        ("Watch this: https://www.youtube.com/watch?v=abc", "Watch this"),  # an address is no title
        ("Supercalifragilisticexpialidocious" * 3, ("Supercalifragilisticexpialidocious" * 3)[:60] + "…"),
        ("Sale — today only!", "Sale — today only!"),
    ],
)
def test_title_from_first_words_is_cut_at_a_word_and_tidied(text, title):
    derived = one(title="", content_encoded=f"<p>{text}</p>").title
    assert derived == title
    assert len(derived) <= 61  # 60, and the "…"


def test_untitled_post_without_text_is_named_by_its_date():
    image = '<figure><img src="https://site.example/a.jpg" alt="The view"/></figure>'
    post = one(title="", content_encoded=image)
    assert post.title == "Untitled (2024-05-01)"  # the date WordPress showed, not UTC
    assert post.body == "![The view](https://site.example/a.jpg)" and post.status == "published"
    assert one(title="", content_encoded=image, wp_post_date="", wp_post_date_gmt="").title == "Untitled"


def test_overlong_title_is_shortened_with_a_note():
    post = one(title="word " * 60)
    assert len(post.title) <= 200 and post.title.endswith("word…")
    assert "title is 299 characters; shortened to fit the limit of 200" in post.notes


@pytest.mark.parametrize(
    "content",
    ["", "  \n\n ", "<!-- wp:paragraph -->\n<p></p>\n<!-- /wp:paragraph -->", "<p>&nbsp;</p>", "<!--more-->"],
)
def test_empty_published_post_arrives_as_a_draft_with_a_placeholder_body(content):
    post = one(content_encoded=content)
    assert (post.status, post.body, post.title) == ("draft", EMPTY_BODY, "A post")
    assert post.published_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)  # kept for when it is published
    assert post.notes == ["has no content in WordPress; imported as a draft with a placeholder body"]
    assert render_markdown(post.body) == "<p><em>This post was empty in WordPress.</em></p>"


def test_what_conversion_drops_leaves_a_post_empty_and_says_so():
    post = one(content_encoded='[contact-form-7 id="9"]')
    assert (post.status, post.body) == ("draft", EMPTY_BODY)
    assert post.notes == [
        "dropped shortcode [contact-form-7]",
        "has no content in WordPress; imported as a draft with a placeholder body",
    ]


@pytest.mark.parametrize(
    "content",
    [
        '<!-- wp:image --><figure><img src="https://site.example/a.jpg" alt=""/></figure><!-- /wp:image -->',
        "[embed]https://vimeo.com/1[/embed]",
    ],
)
def test_a_post_of_only_an_image_or_embed_is_not_empty(content):
    post = one(content_encoded=content)
    assert post.status == "published" and post.body != EMPTY_BODY


def test_empty_untitled_draft_arrives_too():
    zero = "0000-00-00 00:00:00"
    post = one(title="", content_encoded="", wp_status="draft", wp_post_date_gmt=zero, wp_post_name="")
    assert (post.title, post.status, post.body) == ("Untitled (2024-05-01)", "draft", EMPTY_BODY)
    assert post.notes == [
        "had no title; titled it 'Untitled (2024-05-01)'",
        "has no content in WordPress; imported as a draft with a placeholder body",
    ]


@pytest.mark.parametrize("wp_status", ["publish", "future", "draft", "private"])
def test_password_protected_post_is_a_draft_whatever_its_status(wp_status):
    post = one(wp_status=wp_status, extra="<wp:post_password><![CDATA[s3cret]]></wp:post_password>")
    assert post.status == "draft"
    assert "was password-protected in WordPress; imported as a draft" in post.notes
    assert "s3cret" not in repr(post)


def test_published_password_protected_post_keeps_its_date_and_only_one_reason():
    post = one(extra="<wp:post_password>s3cret</wp:post_password>")
    assert post.published_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert post.notes == ["was password-protected in WordPress; imported as a draft"]


def test_empty_password_element_changes_nothing():
    assert one(extra="<wp:post_password><![CDATA[]]></wp:post_password>").status == "published"


def test_real_world_export_statuses_titles_and_notes():
    by_id = {r.import_key.rpartition(":")[2]: r for r in parse_fixture(REAL_WORLD) if isinstance(r, ArticleRecord)}
    summary = {post_id: (r.title, r.status) for post_id, r in by_id.items()}
    assert summary == {
        "101": ("Summer menu", "published"),
        "140": ("Summer menu: vegan edition", "published"),
        "150": ("Closed on Monday 3 June for a private…", "published"),
        "160": ("Opening hours", "draft"),
        "170": ("Staff rota for June", "draft"),
        "180": ("Untitled (2024-06-10)", "draft"),
    }
    assert by_id["160"].body == EMPTY_BODY
    assert by_id["170"].body == "Weekdays: Sam opens, Priya closes. Weekends: Tom, and Maria on call."
    assert by_id["170"].notes == ["was password-protected in WordPress; imported as a draft"]
    assert (by_id["101"].legacy_key, by_id["140"].legacy_key) == ("wordpress:https://cafe.example.com/?p=101", "")


# --- Refused files ---------------------------------------------------------------------


def test_billion_laughs_is_refused():
    with pytest.raises(SourceError) as caught:
        parse_fixture("billion-laughs.xml")
    assert caught.value.location == "billion-laughs.xml (line 3, column 16)"
    assert "declares the entity 'lol'" in caught.value.message
    assert "billion laughs" in caught.value.message


def test_external_entity_is_refused_without_reading_the_file():
    with pytest.raises(SourceError) as caught:
        parse_fixture("external-entity.xml")
    assert "external entity 'xxe' (file:///etc/passwd)" in caught.value.message
    assert "root:" not in str(caught.value)


def test_any_dtd_is_refused():
    data = wxr(item()).replace(b"<rss", b'<!DOCTYPE rss SYSTEM "http://evil.example/wxr.dtd">\n<rss', 1)
    error = parse_error(data)
    assert error.message.startswith("declares a document type (<!DOCTYPE rss>)")


def test_malformed_xml_names_line_and_column():
    with pytest.raises(SourceError) as caught:
        parse_fixture("malformed.xml")
    assert caught.value.location == "malformed.xml (line 14, column 51)"
    assert caught.value.message == "is not well-formed XML: mismatched tag"


def test_items_before_the_malformed_part_are_yielded_first():
    results = []
    with pytest.raises(SourceError), (FIXTURES / "malformed.xml").open("rb") as stream:
        results.extend(iter_items(stream, location="malformed.xml"))
    assert [r.title for r in results] == ["Fine"]


def test_control_character_error_gives_a_hint():
    error = parse_error(wxr(item(title="Bad \x0b title")))
    assert "invalid token" in error.message
    assert "control character" in error.message


def test_truncated_file_is_malformed():
    error = parse_error(wxr(item())[:-30])
    assert error.message.startswith("is not well-formed XML")


def test_rss_feed_that_is_not_an_export_is_refused():
    with pytest.raises(SourceError) as caught:
        parse_fixture("plain-rss.xml")
    assert "not a WordPress export (WXR)" in caught.value.message


def test_other_xml_is_refused():
    error = parse_error(b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>')
    assert error.message == "is XML but not a WordPress export (WXR): its root element is <feed>"


# --- Memory ----------------------------------------------------------------------------


def test_memory_stays_flat_however_large_the_export(tmp_path):
    path = tmp_path / "big.xml"
    paragraph = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 25 + "</p>"
    with path.open("wb") as out:
        out.write(wxr("<!--items-->").split(b"<!--items-->")[0])
        for n in range(20_000):
            post_type = "post" if n % 20 == 0 else "attachment"  # exports are mostly attachments
            guid = f"https://site.example/?p={n}"
            out.write(item(guid=guid, wp_post_id=str(n), content_encoded=paragraph, wp_post_type=post_type).encode())
        out.write(b"</channel></rss>\n")
    assert path.stat().st_size > 30_000_000

    started = time.process_time()  # CPU time: a guard against blow-ups that a busy machine cannot fail
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            counts = {"post": 0, "skipped": 0}
            for result in iter_items(stream, location="big.xml"):
                counts["post" if isinstance(result, ArticleRecord) else "skipped"] += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counts == {"post": 1_000, "skipped": 19_000}
    assert peak < 10_000_000, f"peak {peak:,} bytes"
    assert time.process_time() - started < 15


def test_one_huge_item_is_not_held_in_memory_when_over_the_limit():
    data = wxr(item(content_encoded="x" * 20_000_000), item(title="After", wp_post_id="8"))
    tracemalloc.start()
    try:
        results = list(iter_items(io.BytesIO(data), location="export.xml", max_item_size=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert results[0].message == "content is 20000000 bytes, over the 1000000 byte limit (IMPORT_MAX_FILE_SIZE)"
    assert results[1].title == "After"
    assert peak < 5_000_000, f"peak {peak:,} bytes"


# --- HTML to Markdown ----------------------------------------------------------------------


def test_autop_makes_paragraphs_from_blank_lines_and_breaks_from_newlines():
    assert html_to_markdown("First line\nsecond line\n\nNew paragraph") == "First line  \nsecond line\n\nNew paragraph"


def test_autop_does_not_double_existing_breaks():
    assert html_to_markdown("one<br />\ntwo<br>\nthree") == "one  \ntwo  \nthree"


def test_autop_wraps_loose_text_between_blocks():
    html = "Intro\n<h2>Part</h2>\nText\n<blockquote>Quoted\n\nTwice</blockquote>"
    assert html_to_markdown(html) == "Intro\n\n## Part\n\nText\n\n> Quoted\n>\n> Twice"


def test_autop_is_not_applied_to_gutenberg_or_paragraphed_content():
    assert html_to_markdown("<!-- wp:paragraph --><p>One\ntwo</p><!-- /wp:paragraph -->") == "One two"
    assert html_to_markdown("<p>One\ntwo</p>\n\nloose") == "One two\n\nloose"


def test_autop_leaves_preformatted_text_alone():
    assert html_to_markdown("Code:\n\n<pre>a\n\nb</pre>") == "Code:\n\n```\na\n\nb\n```"


def test_caption_shortcode_keeps_image_and_caption():
    html = '[caption id="attachment_1" width="300"]<img src="/cat.jpg" alt="A cat" /> My cat[/caption]'
    assert html_to_markdown(html) == "![A cat](/cat.jpg)\n\nMy cat"
    old_style = '[caption caption="Old style"]<img src="/cat.jpg" alt="A cat" />[/caption]'
    assert html_to_markdown(old_style) == "![A cat](/cat.jpg)\n\nOld style"


def test_unknown_shortcodes_are_dropped_and_wrappers_keep_their_content():
    notes = []
    html = 'Before [gallery ids="1,2"] [contact-form-7 id="9"/] [box color="red"]inside[/box] after'
    assert html_to_markdown(html, notes) == "Before inside after"
    assert notes == ["dropped shortcode [gallery]", "dropped shortcode [contact-form-7]"]


def test_bracketed_prose_is_not_a_shortcode():
    assert html_to_markdown("He said [sic] and [[gallery]] shows a shortcode.") == (
        "He said \\[sic] and \\[gallery] shows a shortcode."
    )


def test_code_and_embed_shortcodes():
    assert html_to_markdown('[code lang="python"]if a &lt; b:\n    pass[/code]') == (
        "```python\nif a < b:\n    pass\n```"
    )
    assert html_to_markdown("[embed]https://vimeo.com/1[/embed]") == "<https://vimeo.com/1>"
    assert html_to_markdown('[video mp4="https://site.example/v.mp4"][/video]') == "<https://site.example/v.mp4>"


def test_script_style_and_iframe_content_is_dropped_entirely():
    html = "<p>Keep</p><script>alert('x')</script><style>p{color:red}</style><iframe src='https://e.example'>fallback</iframe>"
    assert html_to_markdown(html) == "Keep"


def test_links_and_images_keep_text_and_drop_unsafe_schemes():
    html = (
        '<p><a href="https://a.example/x y">safe</a> <a href="javascript:alert(1)">unsafe</a> '
        '<a href=" JaVa&#x09;script:alert(1)">sneaky</a> <img src="data:image/png;base64,AAAA" alt="pasted"> '
        '<img src="/p.png" alt="a [photo]" title="T"></p>'
    )
    assert html_to_markdown(html) == (
        '[safe](https://a.example/x%20y) unsafe sneaky pasted ![a \\[photo\\]](/p.png "T")'
    )


def test_text_that_looks_like_markup_stays_text():
    html = "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;copy; 2*3 a_b `x`</p>"
    html += "<p>1. not a list</p><p># not a heading</p>"
    markdown = html_to_markdown(html)
    assert "<script" not in markdown
    rendered = render_markdown(markdown)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;copy; 2*3 a_b `x`" in rendered
    assert "<p>1. not a list</p>" in rendered
    assert "<p># not a heading</p>" in rendered


def test_heading_levels_are_kept_and_wordpress_h2_stays_h2():
    assert html_to_markdown("<h1>One</h1><h2>Two</h2><h3>Three</h3>") == "# One\n\n## Two\n\n### Three"
    assert '<h2 id="two">Two</h2>' in render_markdown(html_to_markdown("<h2>Two</h2>"))


def test_tables_become_pipe_tables():
    html = "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1|2</td><td>3</td></tr></tbody></table>"
    assert html_to_markdown(html) == "| A | B |\n| --- | --- |\n| 1\\|2 | 3 |"


def test_blank_lines_collapse_and_spacer_paragraphs_vanish():
    assert html_to_markdown("<p>One</p><p>&nbsp;</p><p> </p><br><br><br><p>Two</p>") == "One\n\nTwo"


@pytest.mark.parametrize(
    "html",
    ["[sic] word " * 20_000, "[/b]" + "[b]" * 20_000, "[" * 50_000, "<div " * 20_000, " \n" * 50_000, "<!--" * 20_000],
)
def test_malformed_input_converts_in_linear_time(html):
    started = time.process_time()
    html_to_markdown(html)
    assert time.process_time() - started < 1


def test_comments_including_more_tag_are_dropped():
    assert html_to_markdown("Teaser\n\n<!--more-->\n\nRest <!-- hidden -->") == "Teaser\n\nRest"
