"""What a new editor meets in the admin: slugs, publishing, the status filter, times around
clock changes, deleting terms, case-insensitive names and deleted imports."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, DeletedImport, Tag, Topic

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def _post(client, **fields):
    data = {"title": "Posted", "slug": "", "body": "Body.", "summary": "", "status": "draft",
            "published_at_0": "", "published_at_1": "", "meta_description": "", "canonical_url": ""}  # fmt: skip
    data.update(fields)
    return client.post(ADD_URL, data)


# -- slugs -----------------------------------------------------------------------------


def test_the_add_form_does_not_prefill_a_slug_the_server_would_make_differently(admin_client):
    page = admin_client.get(ADD_URL).content.decode()
    assert 'data-prepopulated-fields="[]"' in page
    assert _post(admin_client, title="Café — naïve résumé").status_code == 302
    assert Article.objects.get().slug == "cafe-naive-resume"


def test_a_duplicate_title_gets_the_next_free_slug(admin_client):
    for _ in range(3):
        assert _post(admin_client, title="Same title").status_code == 302
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["same-title", "same-title-2", "same-title-3"]


# -- publishing --------------------------------------------------------------------------


def test_publishing_now_dates_an_old_draft_today_and_keeps_a_future_time(admin_client, make_article):
    old = make_article(title="Old draft", status=Article.Status.DRAFT, published_at=datetime(2020, 1, 1, tzinfo=UTC))
    later = timezone.now().replace(microsecond=0) + timedelta(days=3)
    planned = make_article(title="Planned", status=Article.Status.DRAFT, published_at=later)
    before = timezone.now().replace(microsecond=0)
    response = admin_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [old.pk, planned.pk]}, follow=True
    )
    old.refresh_from_db()
    planned.refresh_from_db()
    assert old.is_public and old.published_at >= before
    assert planned.published_at == later and planned.state == "Scheduled"
    message = str(next(iter(response.context["messages"])))
    assert message.startswith("Published 2 article(s). Kept the future time set for “Planned” (")
    assert message.endswith(f"{timezone.localtime(later).strftime('%Z')}): public then.")


def test_publishing_names_selected_articles_that_were_already_scheduled(admin_client, make_article):
    soon = make_article(title="Soon", published_at=datetime(2030, 1, 15, 14, 0, tzinfo=UTC))
    response = admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [soon.pk]}, follow=True)
    message = str(next(iter(response.context["messages"])))
    assert message == "Published 0 article(s). Already scheduled, unchanged: “Soon” (Jan. 15, 2030, 9 a.m. EST)."


def test_the_status_filter_offers_scheduled(admin_client, make_article):
    make_article(title="Later", published_at=timezone.now() + timedelta(days=1))
    make_article(title="Now")
    make_article(title="Unfinished", status=Article.Status.DRAFT)
    for state, titles in [("scheduled", ["Later"]), ("published", ["Now"]), ("draft", ["Unfinished"])]:
        response = admin_client.get(CHANGELIST, {"state": state})
        assert [a.title for a in response.context["cl"].result_list] == titles


def test_drafts_show_no_publication_date_in_the_list(admin_client, make_article):
    make_article(title="Draft", status=Article.Status.DRAFT, published_at=datetime(2020, 5, 1, tzinfo=UTC))
    page = admin_client.get(CHANGELIST).content.decode()
    assert "2020" not in page.split('class="field-publication"')[1].split("</td>")[0]


def test_the_preview_banner_names_the_time_zone(admin_client, make_article):
    article = make_article(title="Soon", published_at=datetime(2030, 1, 15, 14, 0, tzinfo=UTC))
    page = admin_client.get(article.get_absolute_url()).content.decode()
    assert "January 15, 2030, 9:00 a.m. EST" in page


# -- times around clock changes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "utc_hour"),
    [("01:30 EDT", 5), ("01:30 EST", 6), ("01:30 -04:00", 5), ("01:30:00 est", 6)],
)
def test_the_hour_that_repeats_when_clocks_go_back_can_be_entered(admin_client, typed, utc_hour):
    response = _post(admin_client, status="published", published_at_0="2026-11-01", published_at_1=typed)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().published_at == datetime(2026, 11, 1, utc_hour, 30, tzinfo=UTC)


def test_the_repeated_hour_without_a_zone_says_what_to_type(admin_client):
    response = _post(admin_client, published_at_0="2026-11-01", published_at_1="01:30")
    errors = response.context["adminform"].form.errors["published_at"]
    assert errors == [
        "01:30 on November 1, 2026 happens twice (the clocks go back). "
        "Type 01:30 EDT for the first time or 01:30 EST for the second."
    ]


def test_a_time_the_clocks_skip_says_so(admin_client):
    response = _post(admin_client, published_at_0="2026-03-08", published_at_1="02:30")
    errors = response.context["adminform"].form.errors["published_at"]
    assert errors == ["02:30 on March 8, 2026 does not exist (the clocks go forward). Did you mean 03:30?"]


def test_a_time_in_the_repeated_hour_shows_its_zone_and_saves_unchanged(admin_client, browser_post, make_article):
    article = make_article(title="Autumn", published_at=datetime(2026, 11, 1, 6, 30, tzinfo=UTC))  # 01:30 EST
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert 'value="01:30:00 EST"' in admin_client.get(url).content.decode()
    assert browser_post(admin_client, url).status_code == 302
    assert Article.objects.get().published_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


# -- topics and tags ------------------------------------------------------------------------


def test_deleting_a_topic_says_how_many_articles_lose_it(admin_client, make_article):
    topic = Topic.objects.create(name="Therapy")
    for n in range(3):
        make_article(title=f"A{n}", topic=topic)
    page = admin_client.get(reverse("admin:articles_topic_delete", args=[topic.pk])).content.decode()
    assert "Articles that lose this topic (they are kept): 3" in page


def test_deleting_tags_in_bulk_says_how_many_articles_lose_them(admin_client, make_article):
    tags = [Tag.objects.create(name="a"), Tag.objects.create(name="b")]
    make_article(title="Both", tags=tags)
    make_article(title="One", tags=tags[:1])
    url = reverse("admin:articles_tag_changelist")
    page = admin_client.post(url, {"action": "delete_selected", "_selected_action": [t.pk for t in tags]})
    assert "Articles that lose this tag (they are kept): 2" in page.content.decode()


@pytest.mark.parametrize("model", [Tag, Topic])
@pytest.mark.parametrize(("existing", "typed"), [("Therapy", "therapy"), ("Thérapy", "THÉRAPY"), ("ǅ", "ǆ")])
def test_names_are_unique_regardless_of_case(admin_client, model, existing, typed):
    model.objects.create(name=existing)
    url = reverse(f"admin:articles_{model._meta.model_name}_add")
    response = admin_client.post(url, {"name": typed, "slug": ""})
    assert response.status_code == 200
    assert f"“{existing}” already exists (names are compared regardless of case)" in response.content.decode()
    assert model.objects.count() == 1


def test_an_import_reuses_a_term_whatever_its_case(run_import, write):
    Tag.objects.create(name="Therapy")
    run_import(write("a.md", "---\ntitle: A\ntags: [therapy]\ntopic: NYC\n---\nx\n"))
    Topic.objects.filter(name="NYC").update(name="nyc")
    run_import(write("b.md", "---\ntitle: B\ntags: [THERAPY]\ntopic: Nyc\n---\nx\n"))
    assert list(Tag.objects.values_list("name", flat=True)) == ["Therapy"]
    assert list(Topic.objects.values_list("name", flat=True)) == ["nyc"]


@pytest.mark.parametrize(("model", "fallback"), [(Tag, "tag"), (Topic, "topic")])
def test_a_term_named_only_with_emoji_gets_a_sensible_slug(model, fallback):
    assert [model.objects.create(name=name).slug for name in ("🌿", "★★")] == [fallback, f"{fallback}-2"]


# -- deleted imports --------------------------------------------------------------------------


def test_an_article_deleted_here_is_not_brought_back_by_the_next_import(run_import, write, admin_client):
    path = write("page.md", "---\ntitle: Gone\n---\nBody.\n")
    run_import(path)
    article = Article.objects.get()
    admin_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.not_trashed().exists()  # in the trash
    result = run_import(path)
    assert result.code == 0
    assert "1 skipped" in result.out and "skipped: 1 deleted here (--restore-deleted brings them back)" in result.out
    assert not Article.objects.not_trashed().exists()
    call_command("empty_trash", "--older-than", "0", stdout=StringIO())  # deleted for good
    assert not Article.objects.exists()
    result = run_import(path)
    assert "1 skipped" in result.out and not Article.objects.exists()
    result = run_import("--restore-deleted", path)
    assert "1 created" in result.out and "had been deleted here; imported again" in result.out
    assert Article.objects.get().title == "Gone"
    assert not DeletedImport.objects.exists()


def test_restore_deleted_brings_an_imported_article_back_from_the_trash(run_import, write, admin_client):
    path = write("page.md", "---\ntitle: Gone\n---\nBody.\n")
    run_import(path)
    article = Article.objects.get()
    admin_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    result = run_import("--restore-deleted", path)
    assert "1 updated" in result.out and "had been deleted here; imported again" in result.out
    assert Article.objects.published().get().pk == article.pk


def test_articles_deleted_in_bulk_are_remembered_too(run_import, write, admin_client):
    run_import(write("a.md", "---\ntitle: A\n---\nx\n").parent)
    admin_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": list(Article.objects.values_list("pk", flat=True)),
         "post": "yes"},
    )  # fmt: skip
    assert list(Article.objects.trashed().values_list("title", flat=True)) == ["A"]
    call_command("empty_trash", "--older-than", "0", stdout=StringIO())
    assert list(DeletedImport.objects.values_list("title", flat=True)) == ["A"]
