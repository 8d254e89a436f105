"""import_articles --media-root: imported articles' images brought into the media library, never downloaded."""

import struct
import zlib

import pytest
from django.core.files.storage import default_storage

from articles.models import Article
from images.models import Image

from ..image_helpers import picture_bytes
from .test_wordpress_parser import item, postmeta, wxr

pytestmark = pytest.mark.django_db

UPLOADS = "https://site.example/wp-content/uploads"


def _png_header(width: int, height: int) -> bytes:
    """A PNG claiming a huge size in a few bytes: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def attachment(post_id: str, path: str, alt: str = "", caption: str = "") -> str:
    extra = postmeta("_wp_attached_file", path) + (postmeta("_wp_attachment_image_alt", alt) if alt else "")
    return item(
        extra,
        title=f"Attachment {post_id}",
        wp_post_id=post_id,
        wp_post_type="attachment",
        wp_status="inherit",
        wp_post_name=f"attachment-{post_id}",
        excerpt_encoded=caption,
        wp_attachment_url=f"{UPLOADS}/{path}",
        guid=f"{UPLOADS}/{path}",
        link=f"https://site.example/?attachment_id={post_id}",
    )


BODY = f"""
<p>Our garden.</p>
[caption id="attachment_20"]<a href="{UPLOADS}/2024/05/photo.jpg">\
<img src="{UPLOADS}/2024/05/photo-300x180.jpg" alt="Garden" /></a> In May[/caption]
<p><img src="{UPLOADS}/2024/05/missing.jpg" alt="Gone" /></p>
<p><img src="{UPLOADS}/2024/05/evil.jpg" alt="Evil" /></p>
<p><img src="{UPLOADS}/2024/05/logo.svg" alt="Logo" /></p>
<p><img src="{UPLOADS}/2024/05/bomb.png" alt="Bomb" /></p>
<p><img src="{UPLOADS}/../../secret.jpg" alt="Secret" /></p>
<p><img src="https://cdn.other.example/elsewhere.jpg" alt="Elsewhere" /></p>
[gallery ids="20,21,99"]
"""


@pytest.fixture
def export_with_media(tmp_path, write):
    uploads = tmp_path / "uploads"
    (uploads / "2024/05").mkdir(parents=True)
    (uploads / "2024/05/photo.jpg").write_bytes(picture_bytes((1000, 600)))
    (uploads / "2024/05/photo-300x180.jpg").write_bytes(picture_bytes((300, 180)))
    (uploads / "2024/05/second.png").write_bytes(picture_bytes((400, 300), "PNG", colour=(0, 90, 0)))
    (uploads / "2024/05/evil.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    (uploads / "2024/05/logo.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (uploads / "2024/05/bomb.png").write_bytes(_png_header(60000, 60000))
    (tmp_path / "secret.jpg").write_bytes(picture_bytes((10, 10)))  # beside the folder: must never be read
    data = wxr(
        attachment("20", "2024/05/photo.jpg", alt="A gravel path", caption="Spring"),
        item(postmeta("_thumbnail_id", "20"), content_encoded=BODY),
        attachment("21", "2024/05/second.png"),
    )
    return write("export.xml", data), uploads


def test_wordpress_images_come_home_and_problems_are_named(run_import, export_with_media):
    export, uploads = export_with_media
    result = run_import(export, "--media-root", uploads)
    assert result.code == 0, result.text
    assert "1 created" in result.out
    article = Article.objects.get()
    photo = Image.objects.get(original_name="photo.jpg")  # the full-size original, not the 300px copy
    second = Image.objects.get(original_name="second.png")
    assert Image.objects.count() == 2
    assert (photo.width, photo.alt_text, photo.caption) == (1000, "A gravel path", "Spring")
    assert article.featured_image == photo
    # The image, no longer wrapped in a link to the old site's file; the gallery's two images found.
    assert f"![Garden]({photo.reference})" in article.body
    assert f"]({UPLOADS}/2024/05/photo.jpg)" not in article.body
    assert f"![A gravel path]({photo.reference})" in article.body
    assert second.reference in article.body
    # Every problem by name; each link left as it was; nothing fetched.
    for name in ("missing.jpg", "evil.jpg", "logo.svg", "bomb.png", "secret.jpg"):
        assert name in result.out, name
        assert name in article.body, name
    assert "file missing from --media-root: '2024/05/missing.jpg'" in result.out
    assert "'2024/05/evil.jpg' refused: This file is not a JPEG, PNG, GIF or WebP image" in result.out
    assert "SVG images are not accepted" in result.out
    assert "'2024/05/bomb.png' refused: The image is" in result.out
    assert "points outside --media-root" in result.out
    assert "gallery image (attachment 99) is not in the export" in result.out
    assert "https://cdn.other.example/elsewhere.jpg" in article.body
    assert "<picture>" in article.body_html


def test_reimporting_reuses_the_images(run_import, export_with_media):
    export, uploads = export_with_media
    run_import(export, "--media-root", uploads)
    files = sorted(default_storage.listdir("images")[0])
    again = run_import(export, "--media-root", uploads)
    assert "1 unchanged" in again.out and "were missing last time" in again.out
    assert Image.objects.count() == 2
    assert sorted(default_storage.listdir("images")[0]) == files


def test_a_complete_import_is_unchanged_the_next_time(run_import, tmp_path, write):
    (tmp_path / "media").mkdir()
    (tmp_path / "media/garden.png").write_bytes(picture_bytes((300, 200), "PNG"))
    page = write("garden.md", "---\ntitle: Garden\n---\n\n![The garden](garden.png)\n")
    assert "1 created" in run_import(page, "--media-root", tmp_path / "media").out
    assert "1 unchanged" in run_import(page, "--media-root", tmp_path / "media").out


def test_images_missing_from_a_wrong_media_root_come_home_with_the_right_one(run_import, export_with_media, tmp_path):
    export, uploads = export_with_media
    (tmp_path / "wrong").mkdir()
    first = run_import(export, "--media-root", tmp_path / "wrong")
    assert "file missing from --media-root: '2024/05/photo.jpg'" in first.out
    assert Image.objects.count() == 0
    second = run_import(export, "--media-root", uploads)
    assert "1 updated" in second.out
    article = Article.objects.get()
    assert article.featured_image.original_name == "photo.jpg"
    assert article.featured_image.reference in article.body


def test_an_image_added_to_the_folder_after_a_missing_report_is_picked_up(run_import, export_with_media):
    export, uploads = export_with_media
    assert "missing.jpg" in run_import(export, "--media-root", uploads).out
    (uploads / "2024/05/missing.jpg").write_bytes(picture_bytes((500, 400), colour=(1, 2, 3)))
    again = run_import(export, "--media-root", uploads, "--overwrite")
    assert "1 updated" in again.out and "'2024/05/missing.jpg'" not in again.out
    found = Image.objects.get(original_name="missing.jpg")
    assert found.reference in Article.objects.get().body


def test_media_root_added_later_updates_the_article(run_import, export_with_media):
    export, uploads = export_with_media
    first = run_import(export)
    assert "give --media-root to bring it in" in first.out
    assert Image.objects.count() == 0
    assert f"{UPLOADS}/2024/05/photo-300x180.jpg" in Article.objects.get().body
    second = run_import(export, "--media-root", uploads)
    assert "1 updated" in second.out
    assert Article.objects.get().featured_image is not None


def test_a_dry_run_checks_the_images_and_stores_nothing(run_import, export_with_media, settings):
    export, uploads = export_with_media
    result = run_import(export, "--media-root", uploads, "--dry-run")
    assert "missing.jpg" in result.out and "evil.jpg" in result.out
    assert Image.objects.count() == 0 and Article.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "images").exists()


def test_media_root_must_be_a_folder(run_import, export_with_media, tmp_path):
    export, _ = export_with_media
    result = run_import(export, "--media-root", tmp_path / "nowhere")
    assert result.code == 2
    assert "is not a folder" in result.text


def test_markdown_images_beside_the_files(run_import, write, tmp_path):
    page = write(
        "posts/visit.md",
        "---\ntitle: Visiting\nfeatured_image: img/door.png\n---\n\n"
        "![The door](img/door.png)\n\n![](img/none.png)\n\n![Up](../../outside.png)\n",
    )
    write("posts/img/door.png", picture_bytes((320, 200), "PNG"))
    (tmp_path / "outside.png").write_bytes(picture_bytes((10, 10), "PNG"))
    root = page.parent.parent
    result = run_import(root, "--media-root", root)
    assert result.code == 0, result.text
    article = Article.objects.get()
    door = Image.objects.get()
    assert article.body.startswith(f"![The door]({door.reference})")
    assert article.featured_image == door
    assert "'img/none.png'" in result.out or "none.png" in result.out
    assert "points outside --media-root" in result.out and "../../outside.png" in article.body
