"""import_articles on scraped plain-text pages (the format of the seed article)."""

import pytest

from articles.models import Article

pytestmark = pytest.mark.django_db

SEED = "000_0a0ee89cbe40da32.txt"
SEED_TITLE = "What is the importance of confidentiality between clients and their therapists in NYC?"
CONSULTATION_TITLE = "What is included in an initial consultation with an NYC therapist?"


def test_seed_imports_as_one_clean_published_article(run_import, seed_dir):
    result = run_import(seed_dir / SEED)
    assert result.code == 0, result.text
    assert "1 created" in result.out
    article = Article.objects.get()
    assert article.title == SEED_TITLE
    assert article.status == Article.Status.PUBLISHED and article.is_public
    assert SEED_TITLE not in article.body  # the repeated title is not body text
    assert article.body.startswith("Confidentiality between clients and their therapists is a foundational")
    assert article.body.rstrip().endswith("across the city.")
    assert "therapist nyc" not in article.body and "About new york city" not in article.body
    assert article.topic.name == "new york city"
    assert [tag.name for tag in article.tags.all()] == ["therapist nyc"]
    assert article.body.count("\n\n") == 5  # six paragraphs


def test_stray_dot_after_link_text_is_removed_when_no_article_matches(run_import, seed_dir):
    run_import(seed_dir / SEED)
    body = Article.objects.get().body
    assert "NYC therapist? ." not in body
    assert "like New York City. What is included in an initial consultation with an NYC therapist? In a city" in body


def test_link_text_becomes_a_link_when_the_article_is_imported_in_the_same_run(run_import, seed_dir):
    result = run_import(seed_dir / SEED, seed_dir / "initial-consultation-nyc-therapist.txt")
    assert result.code == 0, result.text
    seed = Article.objects.get(title=SEED_TITLE)
    target = Article.objects.get(title=CONSULTATION_TITLE)
    assert f"[{CONSULTATION_TITLE}]({target.get_absolute_url()})" in seed.body
    assert f'<a href="{target.get_absolute_url()}">{CONSULTATION_TITLE}</a> In a city' in seed.body_html
    # The link works both ways, whichever file came first.
    assert f"[{SEED_TITLE}]({seed.get_absolute_url()})" in target.body


def test_link_text_that_ends_without_punctuation_keeps_its_full_stop(run_import, write):
    write("a.txt", "Managing anxiety\n\nManaging anxiety\n\nRead more in Managing anxiety .\n")
    write("b.txt", "Other\n\nOther\n\nSee our guide to Managing anxiety . It helps.\n")
    run_import(write("c.txt", "Lonely\n\nLonely\n\nNo such article here . Done.\n").parent)
    other = Article.objects.get(title="Other")
    assert other.body == "See our guide to [Managing anxiety](/articles/managing-anxiety/). It helps."
    assert Article.objects.get(title="Lonely").body == "No such article here. Done."


def test_second_import_changes_nothing(run_import, seed_dir):
    run_import(seed_dir)
    before = {a.pk: (a.updated_at, a.body) for a in Article.objects.all()}
    result = run_import(seed_dir)
    assert result.code == 0
    assert f"0 created, 0 updated, {len(before)} unchanged" in result.out
    assert {a.pk: (a.updated_at, a.body) for a in Article.objects.all()} == before


def test_sample_content_links_resolve(run_import, seed_dir):
    assert run_import(seed_dir).code == 0
    assert Article.objects.published().count() == 6
    anxiety = Article.objects.get(title="Managing anxiety in a busy city")
    assert "[What is included in an initial consultation with an NYC therapist?](/articles/" in anxiety.body


def test_status_draft_option_imports_drafts(run_import, seed_dir):
    run_import("--status", "draft", seed_dir / SEED)
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and not Article.objects.published().exists()


def test_markdown_characters_in_plain_text_are_shown_literally(run_import, write):
    text = (
        "Symbols\n\nSymbols\n\nUse *stars* and _under_ [x] <b>bold</b> & 1 < 2 &amp; AT&T.\n\n"
        "# not a heading\n\n1. not a list\n\nThe end of the body.\n"
    )
    run_import(write("s.txt", text))
    html = Article.objects.get().body_html
    assert "*stars* and _under_ [x] &lt;b&gt;bold&lt;/b&gt; &amp; 1 &lt; 2 &amp;amp; AT&amp;T." in html
    assert "<h2" not in html and "<ol" not in html
    assert "# not a heading" in html and "1. not a list" in html


def test_hard_wrapped_paragraphs_are_joined(run_import, write):
    run_import(
        write("w.txt", "Title\n\nTitle\n\nFirst line\nsecond line of the same paragraph.\n\nNext paragraph here.\n")
    )
    assert Article.objects.get().body == "First line second line of the same paragraph.\n\nNext paragraph here."


def test_keyword_lines_may_list_several_tags_and_about_is_the_topic(run_import, write):
    run_import(write("k.txt", "T\n\nT\n\nBody text here.\n\ngrief, loss\n\nGrief\n\nAbout Family Therapy\n"))
    article = Article.objects.get()
    assert article.body == "Body text here."
    assert article.topic.name == "Family Therapy"
    assert [t.name for t in article.tags.all()] == ["grief", "loss"]


def test_existing_topics_and_tags_are_reused_regardless_of_case(run_import, write):
    run_import(write("a.txt", "A\n\nBody a.\n\nAnxiety\n\nAbout New York City\n"))
    run_import(write("b.txt", "B\n\nBody b.\n\nanxiety\n\nAbout new york city\n"))
    a, b = Article.objects.order_by("title")
    assert a.topic == b.topic
    assert list(a.tags.all()) == list(b.tags.all())
