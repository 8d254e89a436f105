"""manage.py backup DIR / restore DIR: a snapshot with checksums, restored into an empty database."""

import json
from io import StringIO

import pytest
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import revisions
from articles.backups import _storage_files
from articles.models import Article, Revision
from images.models import Image
from tests.image_helpers import add_picture

pytestmark = pytest.mark.django_db(transaction=True)


def _site_content(make_article, django_user_model):
    django_user_model.objects.create_user("owner", password="a long passphrase", is_staff=True)
    picture = add_picture(alt_text="A quiet room")
    article = make_article(title="Finding a therapist", body="Some *text*.", featured_image=picture)
    make_article(title="A draft", status=Article.Status.DRAFT)
    revisions.record_revision(article, source=Revision.Source.ADMIN)
    make_article(title="In the trash", trashed_at=timezone.now())
    Redirect.objects.create(site=Site.objects.get_current(), old_path="/old/", new_path=article.get_absolute_url())
    return picture


def test_backup_then_restore_into_an_empty_database_brings_back_everything(tmp_path, make_article, django_user_model):
    picture = _site_content(make_article, django_user_model)
    media_names = list(_storage_files())
    assert picture.file.name in media_names
    original_bytes = {name: default_storage.open(name).read() for name in media_names}
    articles = set(Article.objects.values_list("title", "status", "body", "trashed_at"))
    revision_contents = list(Revision.objects.values_list("article__title", "content"))

    out = StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert picture.file.name in manifest["media"]
    assert "Backed up the database" in out.getvalue()

    call_command("flush", interactive=False)  # the empty database a restore goes into
    for name in media_names:
        default_storage.delete(name)
    assert not Article.objects.exists()

    out = StringIO()
    call_command("restore", str(tmp_path / "b"), stdout=out)
    assert "checksums verified" in out.getvalue()
    assert set(Article.objects.values_list("title", "status", "body", "trashed_at")) == articles
    assert list(Revision.objects.values_list("article__title", "content")) == revision_contents != []
    assert Article.objects.get(title="Finding a therapist").featured_image_id == picture.pk
    assert Redirect.objects.filter(old_path="/old/").exists()
    restored = Image.objects.get(pk=picture.pk)
    assert restored.alt_text == "A quiet room"
    for name, content in original_bytes.items():
        assert default_storage.open(name).read() == content
    assert django_user_model.objects.filter(username="owner").exists()


def test_restore_refuses_a_database_that_holds_articles(tmp_path, make_article, django_user_model):
    _site_content(make_article, django_user_model)
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    with pytest.raises(CommandError, match="restore only into an empty database"):
        call_command("restore", str(tmp_path / "b"), stdout=StringIO())


def test_restore_refuses_a_damaged_backup_before_writing_anything(tmp_path, make_article, django_user_model):
    picture = _site_content(make_article, django_user_model)
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    call_command("flush", interactive=False)
    damaged = tmp_path / "b" / "media" / picture.file.name
    damaged.write_bytes(damaged.read_bytes()[:-10])
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tmp_path / "b"), stdout=StringIO())
    assert not Article.objects.exists()


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    assert (tmp_path / "b" / "keep.txt").read_text() == "mine"


def test_restore_names_a_folder_without_a_manifest(tmp_path):
    with pytest.raises(CommandError, match=r"manifest\.json is missing"):
        call_command("restore", str(tmp_path), stdout=StringIO())


def test_a_restored_site_is_shown_at_once_not_the_empty_pages_stored_before(tmp_path, make_article, client):
    article = make_article(title="Finding a therapist")
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    call_command("flush", interactive=False)
    empty_home = client.get("/")
    assert "Finding a therapist" not in empty_home.content.decode() and client.get("/")["X-Page-Cache"] == "hit"
    assert client.get(article.get_absolute_url()).status_code == 404

    call_command("restore", str(tmp_path / "b"), stdout=StringIO())
    assert "Finding a therapist" in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 200
