"""Behaviour shared by every format: idempotency, local edits, dry runs, atomicity, failures."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.redirects.models import Redirect
from django.core.management import call_command

from articles.models import Article, Tag, Topic

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PAGE = "A title\n\nA title\n\nThe first paragraph of the body.\n\nanxiety\n\nAbout therapy\n"


def snapshot():
    return (
        sorted(Article.objects.values_list("title", "slug", "body", "status", "updated_at")),
        sorted(Tag.objects.values_list("name", flat=True)),
        sorted(Topic.objects.values_list("name", flat=True)),
        sorted(Redirect.objects.values_list("old_path", "new_path")),
    )


# -- idempotency and local edits ---------------------------------------------------


def test_changed_source_updates_the_same_article(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    article = Article.objects.get()
    path.write_text(PAGE.replace("first paragraph", "rewritten paragraph"))
    result = run_import(path)
    assert "0 created, 1 updated, 0 unchanged" in result.out
    updated = Article.objects.get()
    assert updated.pk == article.pk and updated.slug == article.slug
    assert "rewritten paragraph" in updated.body
    assert updated.published_at == article.published_at  # the first import's publication time stays


def test_unchanged_source_keeps_updated_at(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    before = Article.objects.get().updated_at
    assert "1 unchanged" in run_import(path).out
    assert Article.objects.get().updated_at == before


@pytest.fixture
def edited_then_changed(run_import, write):
    """A page imported, edited in the admin, then changed at its source; returns its path."""
    path = write("page.txt", PAGE)
    run_import(path)
    article = Article.objects.get()
    article.body = "Edited by an editor."
    article.save()
    path.write_text(PAGE.replace("first paragraph", "new source text"))
    return path


def test_article_edited_in_the_admin_is_not_overwritten(run_import, edited_then_changed):
    result = run_import(edited_then_changed)
    assert result.code == 0
    assert "1 locally modified" in result.out
    assert "changed in the admin since the last import" in result.out and "--overwrite" in result.out
    assert Article.objects.get().body == "Edited by an editor."


def test_tag_change_in_the_admin_counts_as_a_local_edit(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    Article.objects.get().tags.add(Tag.objects.create(name="added by hand"))
    path.write_text(PAGE.replace("first paragraph", "new source text"))
    assert "1 locally modified" in run_import(path).out


def test_overwrite_replaces_a_local_edit(run_import, edited_then_changed):
    result = run_import("--overwrite", edited_then_changed)
    assert "1 updated" in result.out
    assert "new source text" in Article.objects.get().body


def test_same_file_in_a_directory_or_named_alone_is_one_article(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path.parent)
    assert "1 unchanged" in run_import(path).out
    assert Article.objects.count() == 1


# -- dry run and atomic ------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(run_import, write):
    path = write("page.txt", PAGE)
    result = run_import("--dry-run", path)
    assert result.code == 0
    assert "Dry run: nothing was written" in result.out and "1 created" in result.out
    assert snapshot() == ([], [], [], [])


def test_dry_run_of_an_update_reports_the_update(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    before = snapshot()
    path.write_text(PAGE.replace("first", "second"))
    assert "1 updated" in run_import("--dry-run", path).out
    assert snapshot() == before


def test_without_atomic_good_files_land_and_bad_ones_are_reported(run_import, write):
    write("good.txt", PAGE)
    bad = write("bad.txt", b"\x00\x01\x02binary")
    result = run_import(bad.parent)
    assert result.code == 1
    assert "1 created" in result.out and "1 failed" in result.out
    assert f"{bad}: is a binary file" in result.err
    assert Article.objects.count() == 1


def test_atomic_rolls_back_everything_when_one_file_fails(run_import, write):
    write("good.txt", PAGE)
    write("bad.txt", b"")
    result = run_import("--atomic", write("more.txt", PAGE.replace("A title", "Other")).parent)
    assert result.code == 1
    assert "rolled back" in result.out
    assert snapshot() == ([], [], [], [])


# -- bad input -----------------------------------------------------------------------


def test_missing_path_is_a_usage_error(run_import, tmp_path):
    result = run_import(tmp_path / "nope.txt")
    assert result.code == 2
    assert f"No such file or directory: {tmp_path / 'nope.txt'}" in result.err


def test_empty_file_is_refused_with_its_name(run_import, write):
    path = write("empty.txt", "  \n\n")
    result = run_import(path)
    assert result.code == 1
    assert f"{path}: is empty" in result.err
    assert not Article.objects.exists()


def test_file_over_the_size_limit_is_refused(run_import, write):
    path = write("big.txt", PAGE + "word " * 400)
    result = run_import("--max-file-size", "1000", path)
    assert result.code == 1
    assert f"{path}: is 2,0" in result.err and "over the 1,000-byte limit" in result.err
    assert not Article.objects.exists()


def test_title_longer_than_the_model_allows_is_refused(run_import, write):
    path = write("long.txt", "T" * 250 + "\n\nBody paragraph.\n")
    result = run_import(path)
    assert result.code == 1
    assert f"{path}: title: Ensure this value has at most 200 characters (it has 250)." in result.err
    assert snapshot() == ([], [], [], [])


def test_title_only_file_is_refused(run_import, write):
    path = write("t.txt", "Just a title\n\nJust a title\n")
    result = run_import(path)
    assert result.code == 1
    assert "has a title but no body paragraphs" in result.err


def test_duplicate_titles_in_one_run_get_unique_slugs_and_a_note(run_import, write):
    write("a.txt", PAGE)
    write("b.txt", PAGE.replace("first paragraph", "other paragraph"))
    result = run_import(write("c.txt", PAGE.replace("first paragraph", "third")).parent)
    assert result.code == 0
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["a-title", "a-title-2", "a-title-3"]
    assert "slug 'a-title' is already used earlier in this import; used 'a-title-2'" in result.out


# -- encodings -------------------------------------------------------------------------

TEXT = "Café in Zürich\n\nCafé in Zürich\n\nA “quoted” paragraph — with dashes.\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", TEXT.encode("utf-8")),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8")),
        ("utf16.txt", TEXT.encode("utf-16")),
        ("utf16-be.txt", b"\xfe\xff" + TEXT.encode("utf-16-be")),
        ("windows.txt", TEXT.replace("\n", "\r\n").encode("utf-8")),
        ("cp1252.txt", TEXT.replace("\n", "\r\n").encode("cp1252")),
    ],
)
def test_encodings_and_line_endings(run_import, write, name, data):
    result = run_import(write(name, data))
    assert result.code == 0, result.text
    article = Article.objects.get()
    assert article.title == "Café in Zürich"
    assert article.body == "A “quoted” paragraph — with dashes."
    assert ("decoded as Windows-1252" in result.out) == (name == "cp1252.txt")


def test_broken_utf16_is_refused(run_import, write):
    path = write("broken.txt", b"\xff\xfeA\x00\x00\xd8")
    result = run_import(path)
    assert result.code == 1 and "utf-16-le" in result.err and "re-save it as UTF-8" in result.err


# -- directories and archives ------------------------------------------------------------


def test_directories_are_read_recursively_and_other_files_ignored(run_import, write):
    write("a.txt", PAGE)
    write("sub/deeper/b.txt", PAGE.replace("A title", "B title"))
    write("sub/photo.jpg", b"\xff\xd8\xff")
    write(".hidden/c.txt", PAGE.replace("A title", "Hidden"))
    result = run_import(write("readme.md", "# Read me\n\nA Markdown file.\n").parent)
    assert result.code == 0, result.text
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A title", "B title", "Read me"]


def test_zip_archives_are_imported(run_import, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pages/a.txt", PAGE)
        zf.writestr("pages/b.md", "---\ntitle: From Markdown\n---\nBody.\n")
        zf.writestr("__MACOSX/pages/._a.txt", b"\x00junk")
    result = run_import(archive)
    assert result.code == 0, result.text
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A title", "From Markdown"]
    assert "1 unchanged" in run_import(archive).out.replace("2 unchanged", "1 unchanged")


def test_corrupt_zip_is_refused_with_its_name(run_import, write):
    path = write("bad.zip", b"PK\x03\x04 not really")
    result = run_import(path)
    assert result.code == 1 and f"{path}: is not a readable .zip archive" in result.err


def test_overwrite_of_an_unchanged_unedited_article_changes_nothing(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    before = snapshot()
    assert "1 unchanged" in run_import("--overwrite", path).out
    assert snapshot() == before


def test_overwrite_puts_back_an_edited_article_even_if_the_source_is_unchanged(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    article = Article.objects.get()
    article.title = "Renamed by an editor"
    article.save()
    assert "1 updated" in run_import("--overwrite", path).out
    assert Article.objects.get().title == "A title"


def test_overwrite_says_when_it_makes_an_unpublished_article_public_again(run_import, write):
    path = write("page.txt", PAGE)
    run_import(path)
    Article.objects.update(status=Article.Status.DRAFT)  # a publisher took it offline
    result = run_import("--overwrite", path)
    assert "1 updated" in result.out and "was not public here; the source's version is public now" in result.out
    assert Article.objects.get().is_public


def test_a_failed_article_does_not_leave_its_new_topic_or_tags_behind(run_import, write):
    write("a-bad.txt", "T" * 250 + "\n\nBody paragraph.\n\nnew tag\n\nAbout New topic\n")
    result = run_import(write("b-good.txt", "Good\n\nBody paragraph.\n\nnew tag\n\nAbout New topic\n").parent)
    assert result.code == 1
    good = Article.objects.get()
    assert good.topic.name == "New topic" and [t.name for t in good.tags.all()] == ["new tag"]
    assert Topic.objects.count() == 1 and Tag.objects.count() == 1


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_is_shown_on_a_terminal_only(db, write):
    write("a.txt", PAGE)
    path = write("b.txt", PAGE.replace("A title", "B title"))
    terminal = _Terminal()
    call_command("import_articles", str(path.parent), stdout=terminal)
    assert "] 2/2 files, 2 items" in terminal.getvalue()
    plain = io.StringIO()
    call_command("import_articles", str(path.parent), stdout=plain)
    assert "files," not in plain.getvalue()


def test_topic_or_tag_longer_than_allowed_is_refused_not_cut(run_import, write):
    path = write("t.md", f"---\ntitle: T\ntopic: {'y' * 120}\ntags: [ok]\n---\nBody paragraph.\n")
    result = run_import(path)
    assert result.code == 1
    assert f"{path}: topic 'yyyy" in result.err and "at most 100 characters (it has 120)" in result.err
    assert snapshot() == ([], [], [], [])


def test_relative_links_between_markdown_files_point_at_the_articles(run_import, write):
    write("posts/a.md", "# Post A\n\nSee [B](../notes/b.md#part) and [C](c.md) and [top](#top).\n")
    write("notes/b.md", "---\ntitle: Post B\nslug: bee\n---\nBack to [A](../posts/a.md).\n")
    result = run_import(write("posts/c.md", "# Post C\n\nSee [missing](nowhere.md).\n").parent.parent)
    assert result.code == 0, result.text
    assert Article.objects.get(title="Post A").body == (
        "See [B](/articles/bee/#part) and [C](/articles/post-c/) and [top](#top)."
    )
    assert Article.objects.get(title="Post B").body == "Back to [A](/articles/post-a/)."
    assert Article.objects.get(title="Post C").body == "See [missing](nowhere.md)."


def test_invalid_front_matter_names_file_and_line_and_writes_nothing(run_import, write):
    path = write("bad.md", "---\ntitle: Fine\ntags: [a, b\n---\nBody.\n")
    good = write("good.md", "# Good\n\nBody.\n")
    result = run_import("--atomic", path, good)
    assert result.code == 1
    assert f"{path}, line " in result.err and "not valid YAML" in result.err
    assert snapshot() == ([], [], [], [])


@pytest.fixture(scope="module")
def cli_database(tmp_path_factory) -> Path:
    """A migrated SQLite file for commands run as a user runs them, in a process of their own."""
    database = tmp_path_factory.mktemp("cli") / "db.sqlite3"
    assert _manage("migrate", "-v0", database=database).returncode == 0
    return database


def _manage(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "site_config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ["import_articles"],
        ["import_articles", "--status", "bogus", "sample_content"],
        ["import_articles", "--format", "pdf", "sample_content"],
        ["import_articles", "does/not/exist.txt"],
        ["import_articles", "--max-file-size", "-5", "sample_content"],
        ["import_articles", "--max-file-size", "0", "sample_content"],
    ],
)
def test_usage_errors_exit_with_code_2_from_the_command_line(args, cli_database):
    result = _manage(*args, database=cli_database)
    assert result.returncode == 2, result.stderr
    assert "error" in result.stderr.lower()


def test_exit_code_1_from_the_command_line_when_an_item_fails(cli_database, write):
    path = write("empty.txt", "")
    result = _manage("import_articles", str(path), database=cli_database)
    assert result.returncode == 1
    assert f"{path}: is empty" in result.stderr


def test_damaged_member_of_a_zip_fails_alone(run_import, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", PAGE)
        zf.writestr("b.txt", PAGE.replace("A title", "B title") * 20)
    data = bytearray(archive.read_bytes())
    start = data.index(b"b.txt") + len(b"b.txt") + 20  # inside b.txt's compressed bytes
    data[start : start + 8] = b"\xff" * 8
    archive.write_bytes(bytes(data))
    result = run_import(archive)
    assert result.code == 1
    assert f"{archive}:b.txt: is damaged inside its .zip archive" in result.err
    assert list(Article.objects.values_list("title", flat=True)) == ["A title"]


def test_a_failure_in_the_final_link_pass_is_reported_and_loses_nothing(run_import, write, settings):
    # A's " ." residue names B, imported after it: the link is made in the final pass,
    # which lengthens A's body past the limit. A stays as first imported; the run says so.
    body_a = "Read more about Second page ."
    write("a.txt", f"First page\n\n{body_a}\n")
    write("b.txt", "Second page\n\nThe second body.\n")
    settings.ARTICLE_BODY_MAX_BYTES = len(body_a) + 5
    result = run_import(write("c.txt", "Third page\n\nThird body.\n").parent)
    assert result.code == 1
    assert "a.txt: imported, but its links could not be updated: body: The body is" in result.err
    assert Article.objects.get(title="First page").body == "Read more about Second page."
    assert Article.objects.count() == 3


def test_links_never_reveal_the_address_of_an_article_that_is_not_public(run_import, write, client):
    write(
        "secret.md",
        "---\ntitle: Secret plans\nslug: secret-plans\nstatus: draft\nredirect_from: [/old-secret/]\n---\nx\n",
    )
    write(
        "public.md",
        "---\ntitle: Open post\n---\nSee [the plan](secret.md), [the old page](/old-secret/) and Secret plans .\n",
    )
    assert run_import(write("x.txt", "Filler\n\nFiller body.\n").parent).code == 0
    page = client.get(Article.objects.get(title="Open post").get_absolute_url()).content.decode()
    assert "secret-plans" not in page
    assert client.get("/old-secret/").status_code == 404
    Article.objects.filter(slug="secret-plans").update(status="published", published_at="2024-01-01T00:00:00Z")
    assert client.get("/old-secret/")["Location"] == "/articles/secret-plans/"  # the link now leads there
