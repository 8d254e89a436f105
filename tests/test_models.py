from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_slug_is_made_from_the_title(make_article):
    article = make_article(title="What to expect in your first session?")
    assert article.slug == "what-to-expect-in-your-first-session"


def test_slugs_stay_unique_for_equal_titles(make_article):
    first = make_article(title="Same title")
    second = make_article(title="Same title")
    third = make_article(title="Same  Title!")
    assert [first.slug, second.slug, third.slug] == ["same-title", "same-title-2", "same-title-3"]


def test_an_edited_slug_is_kept(make_article):
    article = make_article(title="Title", slug="custom-address")
    article.title = "New title"
    article.save()
    assert article.slug == "custom-address"


def test_titles_in_other_scripts_keep_their_letters(make_article):
    assert make_article(title="Тревога и стресс").slug == "тревога-и-стресс"


def test_published_includes_only_published_articles_whose_time_has_come(make_article):
    now = timezone.now()
    past = make_article(title="Past", published_at=now - timedelta(minutes=1))
    make_article(title="Future", published_at=now + timedelta(minutes=1))
    make_article(title="Draft", status=Article.Status.DRAFT)
    assert list(Article.objects.published()) == [past]
    assert Article.objects.scheduled().get().title == "Future"
    assert Article.objects.drafts().get().title == "Draft"


def test_published_at_a_given_moment(make_article):
    now = timezone.now()
    article = make_article(published_at=now + timedelta(hours=1))
    assert not Article.objects.published(now=now).exists()
    assert list(Article.objects.published(now=now + timedelta(hours=2))) == [article]


def test_publishing_without_a_date_means_now(make_article):
    before = timezone.now().replace(microsecond=0)  # stored to the second, as the admin's time field sends
    article = Article.objects.create(title="Now", body="x", status=Article.Status.PUBLISHED)
    assert before <= article.published_at <= timezone.now()
    assert article.is_public


def test_drafts_have_no_publication_date_until_published(make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert draft.published_at is None
    assert not draft.is_public


def test_save_renders_and_sanitises_the_body(make_article):
    article = make_article(body="Hello **world** <script>alert(1)</script>")
    assert "<strong>world</strong>" in article.body_html
    assert "<script" not in article.body_html


def test_excerpt_comes_from_the_first_paragraph_when_summary_is_blank(make_article):
    article = make_article(body="## Heading\n\nFirst *paragraph* here.\n\nSecond.")
    assert article.excerpt == "First paragraph here."
    assert article.description == "First paragraph here."


def test_typed_summary_and_meta_description_win(make_article):
    article = make_article(body="Body.", summary="  A short   summary. ")
    assert article.excerpt == "A short summary."
    article.meta_description = "For search engines."
    assert article.description == "For search engines."


def test_long_first_paragraph_is_shortened_at_a_word(make_article):
    article = make_article(body="word " * 200)
    assert len(article.excerpt) <= 300
    assert article.excerpt.endswith("word…")


def test_updated_at_moves_on_save(make_article):
    article = make_article()
    first = article.updated_at
    article.title = "Changed"
    article.save()
    assert article.updated_at > first


def test_title_longer_than_allowed_is_a_validation_error():
    article = Article(title="x" * 201, body="b")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "title" in error.value.message_dict


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Straße in Wien", "strasse-in-wien"), ("Ærø og Łódź", "aero-og-lodz"), ("Café Москва", "café-москва")],
)
def test_slugs_from_titles_never_drop_letters(make_article, title, slug):
    assert make_article(title=title).slug == slug


def test_render_articles_refreshes_stored_html_without_touching_dates(make_article):
    from io import StringIO

    from django.core.management import call_command

    article = make_article(title="Stale", body="Hello **world**")
    Article.objects.filter(pk=article.pk).update(body_html="<p>old renderer</p>", excerpt="old")
    before = Article.objects.get(pk=article.pk).updated_at
    out = StringIO()
    call_command("render_articles", stdout=out)
    assert out.getvalue() == "Rendered 1 article(s); 1 had out-of-date HTML and were updated.\n"
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.body_html == "<p>Hello <strong>world</strong></p>" and fresh.excerpt == "Hello world"
    assert fresh.updated_at == before
