"""import_articles on folders: other XML is passed over, and a folder with nothing to import says so."""

import shutil
import zipfile
from pathlib import Path

import pytest

from articles.models import Article

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wordpress"
LOOKED_FOR = "(looked for .txt, .text, .md, .markdown, .xml, .html, .htm, .zip)"
SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.org/on-sleep/</loc></url>
</urlset>
"""
ARTICLE = "---\ntitle: On sleep\n---\nWhy rest matters.\n"


def test_a_sitemap_in_a_folder_is_skipped_as_not_a_wordpress_export(run_import, write):
    write("on-sleep.md", ARTICLE)
    folder = write("sitemap.xml", SITEMAP).parent

    result = run_import(folder)

    assert result.code == 0, result.text
    assert "1 created, 0 updated, 0 unchanged, 0 locally modified, 1 skipped, 0 failed" in result.out
    assert "  skipped: 1 not a WordPress export" in result.out
    assert result.err == ""
    assert Article.objects.get().title == "On sleep"


def test_an_rss_feed_in_a_folder_is_skipped_as_not_a_wordpress_export(run_import, tmp_path):
    shutil.copy(FIXTURES / "plain-rss.xml", tmp_path / "feed.xml")
    shutil.copy(FIXTURES / "wxr-1.2-gutenberg.xml", tmp_path / "export.xml")

    result = run_import(tmp_path)

    assert result.code == 0, result.text
    assert "not a WordPress export" in result.out and "0 failed" in result.out
    assert Article.objects.count() == 4  # the real export beside it is imported


def test_other_xml_inside_a_zip_is_skipped_as_not_a_wordpress_export(run_import, tmp_path):
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("posts/on-sleep.md", ARTICLE)
        zf.writestr("sitemap.xml", SITEMAP)

    result = run_import(archive)

    assert result.code == 0, result.text
    assert "  skipped: 1 not a WordPress export" in result.out


def test_other_xml_named_on_the_command_line_is_still_an_error(run_import, write):
    path = write("sitemap.xml", SITEMAP)

    result = run_import(path)

    assert result.code == 1
    assert f"{path}: is XML but not a WordPress export (WXR)" in result.err


def test_an_empty_folder_says_no_importable_files_were_found(run_import, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()

    result = run_import(folder)

    assert result.code == 1
    assert f"No importable files found in {folder} {LOOKED_FOR}" in result.err
    assert "0 created" not in result.out


def test_a_folder_of_other_files_says_no_importable_files_were_found(run_import, write):
    write("photo.jpg", b"\xff\xd8\xff")
    write(".hidden.md", ARTICLE)
    folder = write("notes.docx", b"PK").parent

    result = run_import(folder)

    assert result.code == 1
    assert f"No importable files found in {folder} {LOOKED_FOR}" in result.err


def test_an_empty_zip_says_no_importable_files_were_found(run_import, tmp_path):
    archive = tmp_path / "empty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.pdf", b"%PDF")

    result = run_import(archive)

    assert result.code == 1
    assert f"No importable files found in {archive} {LOOKED_FOR}" in result.err


def test_an_empty_folder_among_others_stops_the_import_before_anything_is_written(run_import, write, tmp_path):
    full = write("on-sleep.md", ARTICLE).parent
    empty = tmp_path / "typo"
    empty.mkdir()

    result = run_import(full, empty)

    assert result.code == 1
    assert f"No importable files found in {empty} {LOOKED_FOR}" in result.err
    assert not Article.objects.exists()
