"""The SEO checklist: each rule, on the change form and in the change list, at no query per row."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from articles import seo_checklist
from articles.models import Article, Tag, Topic
from images.alt_text import images_without_alt

pytestmark = pytest.mark.django_db
WORDS_350 = " ".join(["word"] * 350)
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def good(make_article):
    """An article that meets every rule; each test spoils one thing."""

    def make(**fields):
        fields.setdefault("title", "Choosing a therapist in New York City")
        fields.setdefault("meta_description", f"About {fields['title']}: how to find a therapist who fits your needs.")
        fields.setdefault("body", f"## Start\n\n{WORDS_350}")
        fields.setdefault("topic", Topic.objects.get_or_create(name="Therapy")[0])
        fields.setdefault("tags", [Tag.objects.get_or_create(name="nyc")[0]])
        return make_article(**fields)

    return make


def codes(article) -> list[str]:
    article = Article.objects.get(pk=article.pk)
    return [issue.code for issue in seo_checklist.check(article, seo_checklist.Context.for_articles([article]))]


def test_a_good_article_has_nothing_to_fix(good):
    assert codes(good()) == []


def test_a_title_over_60_characters(good):
    assert codes(good(title="x" * 61)) == ["title-long"]
    assert codes(good(title="y" * 60)) == []


def test_a_missing_description(good):
    assert codes(good(meta_description="")) == ["description-missing"]
    summary = "A summary long enough to stand for the description in search results."
    assert codes(good(title="Other", meta_description="", summary=summary)) == []


@pytest.mark.parametrize(("length", "flagged"), [(49, True), (50, False), (160, False), (161, True)])
def test_a_description_outside_50_to_160_characters(good, length, flagged):
    article = good(meta_description="d" * length)
    assert ("description-length" in codes(article)) is flagged


def test_duplicate_titles_and_descriptions_across_articles(good, make_article):
    first = good()
    second = good(title="CHOOSING a therapist in  New York City")
    assert codes(first) == codes(second) == ["title-duplicate", "description-duplicate"]


def test_images_without_alt_text(good):
    body = f"## Start\n\n{WORDS_350}\n\n![](/media/uploads/a.png) ![ ](/b.png) ![Described](/c.png)"
    assert codes(good(body=body)) == ["image-alt"]
    assert images_without_alt(body) == ["/media/uploads/a.png", "/b.png"]
    assert images_without_alt('<img src="/x.png"> <img alt="" src="/y.png"> <img alt="ok" src="/z.png">') == [
        "/x.png",
        "/y.png",
    ]


def test_links_to_missing_or_hidden_articles_of_ours(good, three_states):
    body = (
        f"## Start\n\n{WORDS_350} [public]({three_states.public.get_absolute_url()}) "
        f"[draft]({three_states.draft.get_absolute_url()}) [gone](/articles/never-was/) "
        "[elsewhere](https://example.com/articles/x/)"
    )
    article = good(body=body)
    issues = seo_checklist.check(article, seo_checklist.Context.for_articles([article]))
    assert [issue.code for issue in issues] == ["link-not-public"]
    assert f"{three_states.draft.slug}, never-was." in issues[0].message  # sorted; the public one is fine


def test_fewer_than_300_words(good):
    assert codes(good(body="## Start\n\nToo short.")) == ["words-few"]


def test_no_topic_or_no_tags(good):
    assert codes(good(topic=None)) == ["topic-missing"]
    assert codes(
        good(title="Untagged", meta_description="An untagged article about therapy in New York, long enough.", tags=[])
    ) == ["tags-missing"]


def test_over_600_words_without_a_subheading(good):
    assert codes(good(body=" ".join(["word"] * 601))) == ["subheading-missing"]
    assert (
        codes(
            good(
                title="Short enough",
                meta_description="Another description that is long enough to pass the rule.",
                body=" ".join(["word"] * 599),
            )
        )
        == []
    )


def test_every_item_says_how_to_fix_it(make_article):
    article = make_article(title="t" * 70, body="![](/a.png) [x](/articles/none/)")
    issues = seo_checklist.check(article, seo_checklist.Context.for_articles([article]))
    assert len(issues) >= 6
    for issue in issues:
        assert len(issue.message) > 40 and issue.message.endswith(".")


def test_the_change_form_shows_the_checklist_of_the_saved_article(admin_client, good):
    article = good(title="x" * 70)
    page = BeautifulSoup(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])).content, "lxml")
    items = [li.get_text() for li in page.select(".field-seo_checklist li")]
    assert len(items) == 1 and items[0].startswith("The title is 70 characters")
    add = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Save the article to see its checklist." in add


def test_the_change_list_column_and_filter(admin_client, good):
    fine = good()
    poor = good(title="Poor", meta_description="", body="Short.")
    page = BeautifulSoup(admin_client.get(CHANGELIST).content, "lxml")
    cells = {
        row.select_one("th a").get_text(): row.select_one("td.field-seo").get_text()
        for row in page.select("#result_list tbody tr")
    }
    assert cells == {fine.title: "✓ Done", poor.title: "2 to fix"}  # no description, too few words
    attention = admin_client.get(CHANGELIST, {"seo": "attention"}).context["cl"].result_list
    assert [a.title for a in attention] == ["Poor"]
    done = admin_client.get(CHANGELIST, {"seo": "ok"}).context["cl"].result_list
    assert [a.title for a in done] == [fine.title]


def test_the_change_list_takes_no_query_per_row(admin_client, good):
    good(body=f"## S\n\n{WORDS_350} [a](/articles/x/)")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    for n in range(15):
        good(title=f"Another article {n}", body=f"## S\n\n{WORDS_350} [a](/articles/x-{n}/)")
    with CaptureQueriesContext(connection) as many:
        admin_client.get(CHANGELIST)
    assert len(many) == len(few)


def test_an_imported_article_gets_its_checklist_too(admin_client, run_import, write):
    path = write("short.md", "---\ntitle: Imported and short\nstatus: published\n---\n![](/media/uploads/x.png)\n")
    assert run_import(path.parent).code == 0
    page = BeautifulSoup(admin_client.get(CHANGELIST, {"seo": "attention"}).content, "lxml")
    row = page.select_one("#result_list tbody tr")
    assert row.select_one("th a").get_text() == "Imported and short"
    assert row.select_one("td.field-seo span")["title"].count("\n") == 4  # description, alt, words, topic, tags
