"""manage.py export_articles: one Markdown file with YAML front matter per article."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import exporter
from articles.importers.markdown_files import parse
from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
UPDATED = datetime(2024, 6, 2, 14, 0, 0, 123456, tzinfo=UTC)


def export(directory: Path, *args) -> str:
    out = StringIO()
    call_command("export_articles", str(directory), *args, stdout=out)
    return out.getvalue()


def files_in(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def make(title: str, *, tags=(), updated_at=UPDATED, **fields) -> Article:
    fields.setdefault("body", "Some text.")
    article = Article.objects.create(title=title, **fields)
    article.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tags])
    # save() stamps updated_at with the current time; pin it so the file is predictable.
    Article.objects.filter(pk=article.pk).update(updated_at=updated_at)
    return article


def redirect(old_path: str, article: Article, site_id: int = settings.SITE_ID) -> Redirect:
    return Redirect.objects.create(site_id=site_id, old_path=old_path, new_path=article.get_absolute_url())


@pytest.fixture
def full_article(django_user_model):
    article = make(
        "Choosing a therapist: a checklist",
        slug="choosing-a-therapist",
        status=Article.Status.PUBLISHED,
        published_at=PUBLISHED,
        author=django_user_model.objects.create_user("editor"),
        topic=Topic.objects.create(name="Mental health"),
        tags=["therapy", "checklists", "2024"],
        summary="Five questions to ask before the first session.",
        meta_description="A checklist for choosing a therapist in New York City.",
        canonical_url="https://example.com/original/choosing/",
        body="\r\n\r\nStart with what you want from therapy.\r\n\r\n## Credentials\r\n\r\nAsk about licences.\r\n\r\n",
    )
    redirect("/?p=123", article)
    redirect("/2024/05/choosing-a-therapist/", article)
    return article


FULL_ARTICLE_FILE = """\
---
title: 'Choosing a therapist: a checklist'
slug: choosing-a-therapist
status: published
published_at: 2024-05-01T07:30:00Z
updated: 2024-06-02T14:00:00.123456Z
author: editor
topic: Mental health
tags:
- '2024'
- checklists
- therapy
summary: Five questions to ask before the first session.
meta_description: A checklist for choosing a therapist in New York City.
canonical_url: https://example.com/original/choosing/
redirect_from:
- /2024/05/choosing-a-therapist/
- /?p=123
---

Start with what you want from therapy.

## Credentials

Ask about licences.
"""


def test_fully_populated_article(tmp_path, full_article):
    out = export(tmp_path)
    assert out == f"Exported 1 articles to {tmp_path}\n"
    assert files_in(tmp_path) == {"choosing-a-therapist.md": FULL_ARTICLE_FILE.encode()}


def test_empty_fields_are_left_out(tmp_path):
    make("Bare draft", status=Article.Status.DRAFT, updated_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    export(tmp_path)
    assert (tmp_path / "bare-draft.md").read_text(encoding="utf-8") == (
        "---\ntitle: Bare draft\nslug: bare-draft\nstatus: draft\nupdated: 2024-01-02T03:04:05Z\n---\n\nSome text.\n"
    )


def test_empty_body(tmp_path):
    make("No body", body="\n \n", updated_at=datetime(2024, 1, 2, tzinfo=UTC))
    export(tmp_path)
    text = (tmp_path / "no-body.md").read_text(encoding="utf-8")
    assert text == "---\ntitle: No body\nslug: no-body\nstatus: draft\nupdated: 2024-01-02T00:00:00Z\n---\n"


def test_every_status_by_default_and_a_filter(tmp_path):
    make("Draft", status=Article.Status.DRAFT)
    make("Public", status=Article.Status.PUBLISHED, published_at=PUBLISHED)
    make("Scheduled", status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=3))
    assert export(tmp_path / "all").startswith("Exported 3 articles")
    assert sorted(files_in(tmp_path / "all")) == ["draft.md", "public.md", "scheduled.md"]
    export(tmp_path / "drafts", "--status", "draft")
    assert sorted(files_in(tmp_path / "drafts")) == ["draft.md"]
    export(tmp_path / "published", "--status", "published")
    assert sorted(files_in(tmp_path / "published")) == ["public.md", "scheduled.md"]


def test_unknown_status_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_articles", str(tmp_path), "--status", "scheduled")


def test_redirect_from_lists_only_this_sites_redirects_to_this_article(tmp_path, full_article):
    other = make("Other article")
    redirect("/old-other/", other)
    other_site = Site.objects.create(domain="other.example", name="other")
    redirect("/on-another-site/", full_article, site_id=other_site.pk)
    Redirect.objects.create(site_id=settings.SITE_ID, old_path="/gone/", new_path="")
    export(tmp_path)
    meta = parse_file(tmp_path / "choosing-a-therapist.md")
    assert meta.redirect_from == ["/2024/05/choosing-a-therapist/", "/?p=123"]
    assert parse_file(tmp_path / "other-article.md").redirect_from == ["/old-other/"]


def test_datetimes_are_utc_and_drop_zero_microseconds(tmp_path):
    new_york = timezone.get_default_timezone()
    make(
        "Times",
        status=Article.Status.PUBLISHED,
        published_at=datetime(2024, 1, 15, 9, 0, tzinfo=new_york),
        updated_at=datetime(2024, 1, 15, 9, 0, 0, 500, tzinfo=new_york),
    )
    export(tmp_path)
    text = (tmp_path / "times.md").read_text(encoding="utf-8")
    assert "published_at: 2024-01-15T14:00:00Z\n" in text
    assert "updated: 2024-01-15T14:00:00.000500Z\n" in text


def test_values_that_look_like_other_yaml_types_stay_text(tmp_path):
    tricky = ["2024-05-01", "yes", "null", "1.50", "0x1F", "~", "- dash", "a: b", "#hash", "'quoted'", '"double"']
    make(
        "2024",
        slug="a-2024",
        tags=tricky,
        topic=Topic.objects.create(name="true"),
        summary="Line one.\n\n---\nLine two \u2028 with a line separator and a NEL \x85 and a tab\t.",
        meta_description="  padded: and 'quoted'  ",
    )
    export(tmp_path)
    record = parse_file(tmp_path / "a-2024.md")
    assert record.title == "2024"
    assert record.topic == "true"
    assert record.tags == sorted(tricky)
    assert record.summary == "Line one.\n\n---\nLine two \u2028 with a line separator and a NEL \x85 and a tab\t."
    assert record.meta_description == "padded: and 'quoted'"


def test_unicode_is_written_as_utf8_text(tmp_path):
    make("Привет, мир — «кафе»", body="Текст.\n")
    export(tmp_path)
    path = tmp_path / "привет-мир-кафе.md"
    assert path.read_bytes().decode("utf-8").startswith("---\ntitle: Привет, мир — «кафе»\nslug: привет-мир-кафе\n")


def test_exported_file_parses_back_to_the_same_values(tmp_path, full_article):
    export(tmp_path)
    record = parse_file(tmp_path / "choosing-a-therapist.md")
    assert record.title == full_article.title
    assert record.slug == full_article.slug
    assert record.status == full_article.status
    assert record.published_at == PUBLISHED
    assert record.updated_at == UPDATED
    assert record.author == "editor"
    assert record.topic == "Mental health"
    assert record.tags == ["2024", "checklists", "therapy"]
    assert record.summary == full_article.summary
    assert record.meta_description == full_article.meta_description
    assert record.canonical_url == full_article.canonical_url
    assert record.body == "Start with what you want from therapy.\n\n## Credentials\n\nAsk about licences."


def test_file_names_never_collide_on_case_insensitive_file_systems(tmp_path):
    first = make("One", slug="strasse")
    second = make("Two", slug="straße")  # the same name to a file system that folds case
    export(tmp_path)
    assert sorted(files_in(tmp_path)) == ["strasse.md", f"straße-{second.pk}.md"]
    assert first.pk < second.pk


def test_creates_the_directory(tmp_path):
    make("Only")
    target = tmp_path / "a" / "b"
    assert export(target) == f"Exported 1 articles to {target}\n"
    assert (target / "only.md").is_file()


def test_refuses_a_file_as_the_directory(tmp_path):
    target = tmp_path / "exists.txt"
    target.write_text("not a directory")
    with pytest.raises(CommandError, match="exists and is not a directory"):
        call_command("export_articles", str(target))


def test_no_articles(tmp_path):
    assert export(tmp_path) == f"Exported 0 articles to {tmp_path}\n"
    assert files_in(tmp_path) == {}


def test_query_count_does_not_grow_with_articles(
    tmp_path, django_user_model, django_assert_max_num_queries, monkeypatch
):
    author = django_user_model.objects.create_user("writer")
    topics = [Topic.objects.create(name=f"Topic {n}") for n in range(3)]
    for n in range(25):
        article = make(f"Article {n}", author=author, topic=topics[n % 3], tags=[f"tag {n % 4}", "common"])
        redirect(f"/old/{n}/", article)
    monkeypatch.setattr(exporter, "CHUNK_SIZE", 10)
    # One streamed query for the articles with author and topic; per chunk of 10, their tags and redirects.
    with django_assert_max_num_queries(1 + 2 * 3):
        export(tmp_path)
    assert len(files_in(tmp_path)) == 25
    assert parse_file(tmp_path / "article-7.md").redirect_from == ["/old/7/"]
    assert parse_file(tmp_path / "article-7.md").tags == ["common", "tag 3"]


def parse_file(path: Path):
    return parse(path.read_text(encoding="utf-8"), import_key=f"markdown:{path.name}", location=str(path))


# -- export → import → export ------------------------------------------------------


def populate_for_round_trip(django_user_model) -> None:
    author = django_user_model.objects.create_user("editor")
    health = Topic.objects.create(name="Mental health")
    full = make(
        "Choosing a therapist: a checklist",
        status=Article.Status.PUBLISHED,
        published_at=datetime(2024, 5, 1, 7, 30, 0, 250000, tzinfo=UTC),
        updated_at=datetime(2024, 6, 2, 14, 0, 0, 123456, tzinfo=UTC),
        author=author,
        topic=health,
        tags=["therapy", "checklists", "2024"],
        summary="Five questions.\nAsk them before the first session.",
        meta_description="A checklist: choosing a therapist in New York City.",
        canonical_url="https://example.com/original/choosing/",
        body="Start with what you want.\n\n## Credentials\n\n    indented code\n\nAsk about licences.",
    )
    redirect("/2024/05/choosing-a-therapist/", full)
    redirect("/?p=123", full)
    make(
        "Coming next week",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now().replace(microsecond=0) + timedelta(days=7),
        topic=health,
        tags=["therapy"],
        summary="Typed in the admin:\r\ntwo lines.  ",
        body="Line one.\r\nLine two.\r\n\r\n",
    )
    make("Unfinished draft", status=Article.Status.DRAFT, body="# Not the title\n\nNotes.")
    make(
        "Café au lait – „Grüße“ 🎉",
        status=Article.Status.PUBLISHED,
        published_at=PUBLISHED,
        summary="Ça va? «Très bien» — 'oui'.",
        meta_description="yes",
        tags=["café", "null"],
        topic=Topic.objects.create(name="Über"),
    )
    make("Привет, мир", status=Article.Status.PUBLISHED, published_at=PUBLISHED, body="Текст.")
    make("2024", status=Article.Status.DRAFT, published_at=PUBLISHED, updated_at=timezone.now())


def test_export_import_export_gives_identical_files(tmp_path, django_user_model):
    populate_for_round_trip(django_user_model)
    first, second = tmp_path / "first", tmp_path / "second"
    export(first)
    assert len(files_in(first)) == 6

    Article.objects.all().delete()
    Tag.objects.all().delete()
    Topic.objects.all().delete()
    Redirect.objects.all().delete()
    out = StringIO()
    call_command("import_articles", str(first), stdout=out, stderr=StringIO())
    assert "6 created" in out.getvalue()

    export(second)
    expected, actual = files_in(first), files_in(second)
    assert sorted(actual) == sorted(expected)
    for name, content in expected.items():
        assert actual[name].decode() == content.decode(), name


def files_under(directory: Path) -> dict[str, bytes]:
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    return {path.relative_to(directory).as_posix(): path.read_bytes() for path in files}


def test_export_import_export_with_images_gives_identical_files(tmp_path, django_user_model, settings):
    from django.core.files.base import ContentFile
    from PIL import Image as PILImage

    from images.library import add_image
    from images.models import Image

    from .image_helpers import picture_bytes

    populate_for_round_trip(django_user_model)
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # re-encoded on the way in: the stored file is what travels
    photo, _ = add_image(ContentFile(picture_bytes((900, 600), exif=exif.tobytes()), name="p.jpg"), alt_text="Desk")
    diagram, _ = add_image(ContentFile(picture_bytes((300, 200), "PNG"), name="d.png"))
    webp, _ = add_image(ContentFile(picture_bytes((500, 250), "WEBP", colour=(9, 9, 200)), name="w.webp"))
    make(
        "With pictures",
        status=Article.Status.PUBLISHED,
        published_at=PUBLISHED,
        body=f'Intro.\n\n![Desk]({photo.reference})\n\n![A diagram]({diagram.reference} "Fig. 1")\n\n'
        f"![]({webp.reference}) and ![External](https://example.com/x.png)",
        featured_image=photo,
    )
    first, second = tmp_path / "first", tmp_path / "second"
    export(first)
    exported = files_under(first)
    assert sorted(name for name in exported if name.startswith("images/")) == sorted(
        f"images/{image.key}.{image.format}" for image in (photo, diagram, webp)
    )
    assert f"featured_image: images/{photo.key}.jpg" in exported["with-pictures.md"].decode()
    assert f"![Desk](images/{photo.key}.jpg)" in exported["with-pictures.md"].decode()

    # An empty site, with its own empty media storage.
    Article.objects.all().delete()
    Image.objects.all().delete()
    Tag.objects.all().delete()
    Topic.objects.all().delete()
    Redirect.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "other-site-media"
    out = StringIO()
    call_command("import_articles", str(first), "--media-root", str(first), stdout=out, stderr=StringIO())
    assert "7 created" in out.getvalue()
    assert Image.objects.count() == 3
    assert Article.objects.get(slug="with-pictures").featured_image.key == photo.key

    export(second)
    assert files_under(second) == exported


def test_an_image_missing_from_storage_is_named_and_the_export_still_writes_every_article(tmp_path):
    from django.core.files.storage import default_storage

    from .image_helpers import add_picture

    image = add_picture()
    make("Pictured", body=image.markdown("x"))
    make("Plain", body="No pictures.")
    default_storage.delete(image.file.name)
    with pytest.raises(
        CommandError, match=rf"Exported 2 articles, but 1 .*\n  pictured.md: The library image {image.key}"
    ):
        export(tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.md")) == ["pictured.md", "plain.md"]
    assert str(image.ref) in (tmp_path / "out" / "pictured.md").read_text()
