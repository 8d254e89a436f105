"""Full-text search: only public articles, ranked, safely highlighted, in step with every write, never an error."""

from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search
from articles.models import Article, SearchEntry, Tag, Topic

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return [hit.article.title for hit in search.search(query)[0:50]]


def results_page(client, query: str, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def test_search_finds_only_the_public_article(client, three_states):
    page = results_page(client, "zebrafinch")
    titles = [a.get_text() for a in page.select(".teaser__title a")]
    assert titles == [three_states.public.title]
    assert "1 result" in page.select_one(".page-header__sub").get_text()
    text = page.get_text()
    for article in three_states.hidden:
        assert article.title not in text
    for term in three_states.hidden_topics + three_states.hidden_tags:
        assert term.name not in text


def test_a_hidden_article_is_found_the_moment_it_is_public_without_reindexing(three_states, admin_client):
    assert found("zebrafinch") == [three_states.public.title]
    # A status change by a bulk update, which sends no signal: public-ness is checked when searching.
    Article.objects.filter(pk=three_states.draft.pk).update(status=Article.Status.PUBLISHED)
    Article.objects.filter(pk=three_states.draft.pk).update(published_at=three_states.public.published_at)
    assert sorted(found("zebrafinch")) == sorted([three_states.public.title, three_states.draft.title])


def test_title_matches_rank_above_body_matches(make_article):
    make_article(title="Notes on routine", summary="Routines.", body="A page that mentions insomnia once, in passing.")
    make_article(title="Insomnia", body="Short text.")
    make_article(title="Tagged", body="Nothing relevant.", tags=[Tag.objects.create(name="insomnia")])
    assert found("insomnia") == ["Insomnia", "Tagged", "Notes on routine"]


def test_with_more_matches_than_are_listed_the_best_still_come_first(make_article, client, monkeypatch):
    """Only each group's newest matches are read (GROUPS), so a common word costs what a rare one does; an old
    article with the words in its title still comes before the newest that have them in the body only."""
    monkeypatch.setattr(search, "GROUPS", (("title", 2), ("title summary tags", 2), ("", 3)))
    old = make_article(title="Insomnia at night", body="Text.", published_at=timezone.now() - timedelta(days=900))
    tagged = make_article(title="Tagged", body="Text.", tags=[Tag.objects.create(name="Insomnia help")])
    for n in range(6):
        make_article(title=f"Body note {n}", body="A summary first.\n\nInsomnia in the body.")
    titles = found("insomnia")
    assert titles[:2] == [old.title, tagged.title]
    assert titles[2:] == ["Body note 5", "Body note 4", "Body note 3"]  # then the newest others, up to the limit
    page = results_page(client, "insomnia")
    assert "5+ results" in page.select_one(".page-header__sub").get_text()  # more match than are listed
    assert results_page(client, "night").select_one(".page-header__sub").get_text() == "1 result"


def test_a_common_word_takes_the_same_queries_for_5_and_50_matches(make_article, client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            results_page(client, "calm")
        return len(captured)

    for n in range(5):
        make_article(title=f"Calm {n}", body="Calm words.")
    few = queries()
    for n in range(5, 50):
        make_article(title=f"Calm {n}", body="Calm words.")
    assert queries() == few


def test_other_forms_of_a_word_match_and_every_word_must_match(make_article):
    make_article(title="Choosing a therapist in NYC", body="Therapists differ.")
    make_article(title="Therapy at home", body="Online sessions.")
    assert found("therapists nyc") == ["Choosing a therapist in NYC"]
    assert found("THERAPIST") == ["Choosing a therapist in NYC"]


def test_accents_do_not_matter(make_article):
    make_article(title="Café conversations", body="Text.")
    assert found("cafe") == ["Café conversations"]
    assert found("CAFÉ") == ["Café conversations"]


def test_the_sample_article_is_found_for_therapist_nyc(run_import, seed_dir, client):
    assert run_import(seed_dir).code == 0
    page = results_page(client, "therapist nyc")
    titles = [a.get_text() for a in page.select(".teaser__title a")]
    assert "What is included in an initial consultation with an NYC therapist?" in titles
    assert page.select(".search-snippet mark")


HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "anxious*",
    "-anxious",
    "anxious -sleepers",
    "NEAR(anxious sleepers)",
    "anxious NEAR sleepers",
    "anxious AND sleepers",
    "anxious OR",
    "OR",
    "AND NOT",
    "(anxious",
    "anxious)",
    "[sleepers]",
    "{title}: anxious",
    "title:anxious",
    "^anxious",
    '"anxious sleepers',
    "anxious & | ! <-> :*",
    "😀 ünïcødé 漢字 العربية",
    "\u200b\u200e",
    "a" * 10_000,
    " ".join(["anxious"] * 2_000),
    "%_%",
    "'; DROP TABLE articles_article; --",
    "\\",
    "\x00anxious",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_query_is_ever_an_error(client, three_states, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert b"Hidden" not in response.content
    assert Article.objects.count() == 3  # nothing was dropped


def test_operator_words_are_only_words(make_article):
    make_article(title="Near the park", body="Walking and talking.")
    assert found("NEAR park") == ["Near the park"]
    assert found("near") == ["Near the park"]


def test_snippets_are_escaped_with_only_our_marks(make_article, client):
    make_article(
        title="Markup in text",
        body="Type `<b onmouseover=alert(1)>anxiety</b>` and <mark>not ours</mark> about anxiety &amp; more.",
    )
    page = results_page(client, "anxiety")
    snippet = page.select_one(".search-snippet")
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["anxiety", "anxiety"]
    assert not snippet.find("b")
    assert "<b onmouseover=alert(1)>" in snippet.get_text()


def test_highlight_never_lets_markup_through():
    raw = f"<script>x</script> {search._START}<i>word</i>{search._STOP} {search._START}open"
    assert search.highlight(raw) == (
        "&lt;script&gt;x&lt;/script&gt; <mark>&lt;i&gt;word&lt;/i&gt;</mark> <mark>open</mark>"
    )


def test_results_are_paginated_with_the_query_kept(make_article, client):
    for n in range(12):
        make_article(title=f"Grief note {n}", body="Grief text.")
    first = results_page(client, "grief")
    assert "12 results" in first.get_text()
    assert len(first.select(".teaser")) == 10
    next_link = first.select_one("a[rel=next]")["href"]
    assert "q=grief" in next_link and "page=2" in next_link
    second = results_page(client, "grief", page=2)
    assert len(second.select(".teaser")) == 2
    assert client.get("/search/", {"q": "grief", "page": 9}).status_code == 404


def test_the_search_page_is_noindex_and_robots_keep_out(client):
    page = results_page(client, "anything")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    assert "No articles match" in page.get_text()
    assert "Type one or more words" in results_page(client, "").get_text()


@pytest.mark.parametrize("url", ["/", "/topics/", "/search/?q=x", "/nowhere/"])
def test_every_page_has_a_plain_search_form_in_its_header(client, url):
    page = BeautifulSoup(client.get(url).content, "lxml")
    form = page.select_one("header form[role=search]")
    assert form["method"] == "get" and form["action"] == "/search/"
    assert page.find("label", attrs={"for": form.input["id"]})


# -- the index follows every write


def test_an_admin_edit_is_searchable_at_once(admin_client, make_article, browser_post):
    article = make_article(title="Old words", body="Plain text.")
    url = f"/admin/articles/article/{article.pk}/change/"
    response = browser_post(admin_client, url, {"title": "Fresh wording", "body": "Kaleidoscope text."})
    assert response.status_code == 302
    assert found("kaleidoscope") == ["Fresh wording"]
    assert found("old") == []


def test_tags_and_topics_are_searchable_and_follow_renames_and_deletions(make_article):
    tag, topic = Tag.objects.create(name="mindfulness"), Topic.objects.create(name="Couples")
    article = make_article(title="An article", tags=[tag], topic=topic)
    assert found("mindfulness") == found("couples") == ["An article"]
    tag.name = "meditation"
    tag.save()
    topic.name = "Families"
    topic.save()
    assert found("mindfulness") == found("couples") == []
    assert found("meditation") == found("families") == ["An article"]
    tag.delete()
    topic.delete()
    assert found("meditation") == found("families") == []
    article.tags.add(Tag.objects.create(name="breathing"))
    assert found("breathing") == ["An article"]
    article.tags.clear()
    assert found("breathing") == []


def test_a_deleted_article_leaves_the_index(make_article):
    make_article(title="Short lived")
    Article.objects.filter(title="Short lived").delete()
    assert found("short lived") == []
    assert not SearchEntry.objects.exists()


def test_a_bulk_update_of_text_reindexes(make_article):
    make_article(title="Before")
    Article.objects.update(title="After", body_html="<p>Renamed</p>")
    assert found("after renamed") == ["After"]


def test_imported_articles_are_searchable_with_their_tags(run_import, write):
    path = write("post.md", "---\ntitle: Imported piece\ntags: [resilience]\nstatus: published\n---\nBody.\n")
    assert run_import(path.parent).code == 0
    assert found("resilience") == ["Imported piece"]
    assert found("imported piece") == ["Imported piece"]


def test_rebuild_command_restores_a_lost_index(make_article):
    make_article(title="Rebuilt later", tags=[Tag.objects.create(name="restored")])
    SearchEntry.objects.all().delete()
    assert found("restored") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "1 article" in out.getvalue()
    assert found("restored") == ["Rebuilt later"]


def test_search_uses_the_database_s_own_index():
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [search.FTS_TABLE])
            assert "porter" in cursor.fetchone()[0]
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'articles_searchentry'")
            assert any("gin" in row[0] for row in cursor.fetchall())


def test_a_results_page_takes_a_constant_number_of_queries(make_article, client, django_assert_max_num_queries):
    for n in range(10):
        make_article(title=f"Panic note {n}", topic=Topic.objects.create(name=f"Topic {n}"))
    with django_assert_max_num_queries(6):
        results_page(client, "panic")


def test_a_dry_run_or_rolled_back_import_leaves_no_search_entries(run_import, write):
    write("good.md", "---\ntitle: Fine piece\nstatus: published\n---\nBody.\n")
    assert run_import(write("bad.md", "---\ntitle: [unclosed\n---\nBody.\n").parent, "--atomic").code == 1
    assert (
        run_import(write("good.md", "---\ntitle: Fine piece\nstatus: published\n---\nBody.\n").parent, "--dry-run").code
        == 1
    )
    assert not SearchEntry.objects.exists()
    assert found("fine piece") == []


def test_a_large_import_is_indexed_batch_by_batch(run_import, write):
    for n in range(205):  # more than two of the runner's batches of 100
        write(f"p{n}.md", f"---\ntitle: Batch piece {n}\ntags: [batched]\nstatus: published\n---\nBody {n}.\n")
    path = write("p0.md", "---\ntitle: Batch piece 0\ntags: [batched]\nstatus: published\n---\nBody 0.\n")
    assert run_import(path.parent).code == 0
    assert search.search("batched").count() == 205


def test_publishing_with_the_admin_action_makes_a_draft_findable(admin_client, three_states):
    assert found("zebrafinch") == [three_states.public.title]
    response = admin_client.post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [three_states.draft.pk]}
    )
    assert response.status_code == 302
    assert sorted(found("zebrafinch")) == sorted([three_states.public.title, three_states.draft.title])
    admin_client.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": [three_states.draft.pk]})
    assert found("zebrafinch") == [three_states.public.title]


def test_a_search_page_stored_while_the_index_was_incomplete_is_fresh_after_a_rebuild(make_article, client):
    make_article(title="Rebuilt later", body="Restored words.")
    SearchEntry.objects.all().delete()  # an index left incomplete (a restore, an interrupted upgrade)
    assert "Rebuilt later" not in client.get("/search/?q=restored").content.decode()
    assert client.get("/search/?q=restored")["X-Page-Cache"] == "hit"
    call_command("rebuild_search_index", stdout=StringIO())
    assert "Rebuilt later" in client.get("/search/?q=restored").content.decode()
