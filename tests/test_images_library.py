"""The media library: adding pictures (admin, editor upload), deduplication, renditions, deletion, storage."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from PIL import Image as PILImage

from images.alt_text import ALT_PLACEHOLDER, images_without_alt
from images.library import add_image
from images.models import Image
from images.references import ImageRef

from .image_helpers import add_picture, picture_bytes, picture_file

pytestmark = pytest.mark.django_db

UPLOAD = "/markdownx/upload/"
XHR = {"x-requested-with": "XMLHttpRequest"}


def stored(name: str) -> PILImage.Image:
    with default_storage.open(name, "rb") as handle:
        image = PILImage.open(io.BytesIO(handle.read()))
        image.load()
    return image


# Adding ---------------------------------------------------------------------------------------------------


def test_admin_add_stores_the_picture_with_its_details(admin_client, admin_user):
    upload = SimpleUploadedFile("Garden path.jpg", picture_bytes((900, 600)), "image/jpeg")
    response = admin_client.post(
        "/admin/images/image/add/",
        {"upload": upload, "alt_text": "A gravel path between hedges", "caption": "Spring", "credit": "J. Doe"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = Image.objects.get()
    assert (image.width, image.height, image.format) == (900, 600, "jpg")
    assert (image.alt_text, image.caption, image.credit) == ("A gravel path between hedges", "Spring", "J. Doe")
    assert image.original_name == "Garden path.jpg"
    assert image.uploaded_by == admin_user
    assert default_storage.exists(image.file.name)
    assert image.file.name == f"images/{image.key}/original.jpg"


def test_admin_add_refuses_a_file_that_is_not_an_image(admin_client):
    upload = SimpleUploadedFile("notes.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    response = admin_client.post("/admin/images/image/add/", {"upload": upload, "alt_text": "x"})
    assert response.status_code == 200
    assert Image.objects.count() == 0
    assert "upload" in response.context["adminform"].form.errors


def test_the_same_bytes_twice_are_one_image(admin_client):
    data = picture_bytes((300, 200))
    for alt in ("", "A red square"):
        admin_client.post(
            "/admin/images/image/add/", {"upload": SimpleUploadedFile("a.jpg", data, "image/jpeg"), "alt_text": alt}
        )
    image = Image.objects.get()
    assert image.alt_text == "A red square"  # the second upload filled what the first left blank


def test_the_same_picture_cleaned_again_is_found_by_its_stored_hash():
    first, created = add_image(picture_file(size=(120, 80)))
    assert created
    with default_storage.open(first.file.name, "rb") as handle:
        again, created_again = add_image(ContentFile(handle.read(), name="copy.jpg"))
    assert not created_again and again == first


def test_metadata_is_stripped_and_the_picture_kept(settings):
    exif = PILImage.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPS
    image, _ = add_image(ContentFile(picture_bytes((200, 100), exif=exif.tobytes()), name="gps.jpg"))
    with default_storage.open(image.file.name, "rb") as handle:
        data = handle.read()
    assert b"Exif" not in data
    assert image.content_hash != image.source_hash


def test_editor_drag_and_drop_creates_a_library_image_and_asks_for_alt_text(client, editor):
    client.force_login(editor)
    upload = SimpleUploadedFile("x.png", picture_bytes((50, 40), "PNG"), "image/png")
    response = client.post(UPLOAD, {"image": upload}, headers=XHR)
    image = Image.objects.get()
    assert response.json() == {"image_code": f"![{ALT_PLACEHOLDER}](image:{image.key}/50x40.png)"}
    assert image.uploaded_by == editor


def test_editor_upload_reuses_the_library_alt_text(client, editor):
    image = add_picture(alt_text="Our office")
    client.force_login(editor)
    with default_storage.open(image.file.name, "rb") as handle:
        upload = SimpleUploadedFile("again.jpg", handle.read(), "image/jpeg")
    response = client.post(UPLOAD, {"image": upload}, headers=XHR)
    assert response.json()["image_code"] == f"![Our office]({image.reference})"


def test_editor_upload_needs_the_image_add_permission(client, django_user_model):
    user = django_user_model.objects.create_user("writer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_article", "change_article"]))
    client.force_login(user)
    upload = SimpleUploadedFile("x.png", picture_bytes(fmt="PNG"), "image/png")
    assert client.post(UPLOAD, {"image": upload}, headers=XHR).status_code == 403
    assert Image.objects.count() == 0


# Renditions -----------------------------------------------------------------------------------------------


def test_renditions_are_made_at_each_width_up_to_the_original_in_every_format(settings):
    settings.IMAGE_RENDITION_WIDTHS = (480, 800, 1200, 1600)
    image = add_picture(size=(1000, 500))
    ref = image.ref
    assert ref.widths() == [480, 800, 1000]
    formats = {"webp", "jpg", *(["avif"] if "avif" in ref.rendition_names()[0][0] else [])}
    for name, width, fmt in ref.rendition_names():
        picture = stored(name)
        assert picture.size == (width, round(500 * width / 1000)), name
        assert picture.format == {"jpg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt]
        formats.discard(fmt)
    assert formats == set()
    assert not default_storage.exists(f"images/{ref.key}/1200.webp")  # never wider than the original


def test_a_wide_original_gets_the_configured_widths_only(settings):
    image = add_picture(size=(1700, 100))
    assert image.ref.widths() == [480, 800, 1200, 1600]
    assert stored(image.ref.rendition_name(1600, "webp")).size == (1600, 94)


def test_avif_is_offered_when_pillow_writes_it():
    from PIL import features

    from images.references import modern_formats

    assert ("avif" in modern_formats()) == features.check("avif")
    assert modern_formats()[-1] == "webp"


def test_a_gif_is_served_as_it_is():
    buffer = io.BytesIO()
    PILImage.new("P", (30, 20)).save(buffer, "GIF")
    image, _ = add_image(ContentFile(buffer.getvalue(), name="a.gif"))
    assert image.ref.rendition_names() == []


def test_missing_renditions_are_made_by_the_command_and_by_the_first_request(client, settings):
    image = add_picture(size=(900, 600))
    name = image.ref.rendition_name(480, "webp")
    default_storage.delete(name)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert default_storage.exists(name)
    default_storage.delete(name)
    call_command("make_renditions", stdout=io.StringIO())
    assert default_storage.exists(name)


def test_the_media_view_serves_only_library_files(client):
    image = add_picture()
    assert client.get(f"/media/{image.file.name}").status_code == 200
    assert client.get(f"/media/images/{image.key}/999.webp").status_code == 404
    assert client.get("/media/images/0000000000000000/original.jpg").status_code == 404
    assert client.get(f"/media/images/{image.key}/../{image.key}/original.jpg").status_code == 404


# Storage ---------------------------------------------------------------------------------------------------


def test_everything_goes_through_the_storage_api(settings, client, make_article, tmp_path):
    """With a storage that has no files on disk at all, the library, renditions, pages and the media view work."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    settings.MEDIA_ROOT = tmp_path / "never-used"
    image = add_picture(size=(900, 600), alt_text="In memory")
    assert default_storage.__class__.__name__ == "InMemoryStorage"
    assert default_storage.exists(image.ref.rendition_name(480, "webp"))
    make_article(title="Memory", body=f"![In memory]({image.reference})", featured_image=image)
    page = client.get("/articles/memory/")
    assert page.status_code == 200
    assert client.get(f"/media/{image.ref.rendition_name(800, 'jpg')}").status_code == 200
    assert not (tmp_path / "never-used").exists()


# Deleting --------------------------------------------------------------------------------------------------


def test_an_image_used_in_a_body_cannot_be_deleted(admin_client, make_article):
    image = add_picture(alt_text="Used")
    article = make_article(title="Uses it", body=f"Look:\n\n{image.markdown()}")
    page = admin_client.get(f"/admin/images/image/{image.pk}/delete/")
    assert "Uses it" in page.content.decode()
    admin_client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ProtectedError) as refused, transaction.atomic():
        image.delete()
    assert "Uses it" in str(refused.value)
    assert list(image.used_in()) == [article]


def test_an_image_featured_by_an_article_cannot_be_deleted(admin_client, make_article):
    image = add_picture()
    make_article(title="Features it", featured_image=image)
    page = admin_client.get(f"/admin/images/image/{image.pk}/delete/")
    assert "Features it" in page.content.decode()
    with pytest.raises(ProtectedError), transaction.atomic():
        Image.objects.filter(pk=image.pk).delete()


def test_an_unused_image_is_deleted_with_its_files(admin_client, django_capture_on_commit_callbacks):
    image = add_picture(size=(900, 600))
    names = [image.file.name, *(name for name, _, _ in image.ref.rendition_names())]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


# Admin list and alt text -----------------------------------------------------------------------------------


def test_the_admin_list_shows_thumbnails_and_finds_by_alt_text_and_file_name(admin_client):
    add_picture(alt_text="Waiting room chairs", colour=(1, 2, 3))
    add_image(picture_file(name="Reception-desk.jpg", colour=(9, 9, 9)))
    page = admin_client.get("/admin/images/image/").content.decode()
    assert page.count("<picture>") == 2
    assert "Waiting room chairs" in admin_client.get("/admin/images/image/?q=chairs").content.decode()
    found = admin_client.get("/admin/images/image/?q=reception").context["cl"].result_list
    assert [image.original_name for image in found] == ["Reception-desk.jpg"]


def test_the_admin_flags_images_without_alt_text(admin_client):
    described = add_picture(alt_text="Described", colour=(1, 1, 1))
    bare = add_picture(colour=(2, 2, 2))
    missing = admin_client.get("/admin/images/image/?alt=missing").context["cl"].result_list
    assert list(missing) == [bare]
    assert described not in missing


def test_the_change_page_lists_the_articles_using_the_image(admin_client, make_article):
    image = add_picture()
    make_article(title="First user", body=image.markdown("x"))
    make_article(title="Not a user", body="Nothing here.")
    page = admin_client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert "First user" in page and "Not a user" not in page


def test_images_without_alt_lists_undescribed_images_of_a_body():
    image = add_picture()
    body = "\n\n".join(
        [
            f"![{ALT_PLACEHOLDER}]({image.reference})",
            "![Described](https://example.com/a.png)",
            "![](https://example.com/b.png)",
            '<img src="https://example.com/c.png">',
        ]
    )
    missing = images_without_alt(body)
    assert len(missing) == 3
    assert re.search(rf"/media/images/{image.key}/", missing[0])
    assert missing[1:] == ["https://example.com/b.png", "https://example.com/c.png"]


def test_the_article_admin_shows_images_without_alt_text(admin_client, make_article):
    article = make_article(body="![](https://example.com/b.png)")
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Images without alt text" in page and "https://example.com/b.png" in page


def test_reference_round_trips():
    ref = ImageRef("0123456789abcdef", 1600, 1067, "jpg")
    assert ImageRef.parse(str(ref)) == ref
    assert ImageRef.parse("image:0123456789abcdef/0x10.jpg") is None
    assert ImageRef.parse("image:../../etc/1x1.jpg") is None


# Featured image through the article admin -----------------------------------------------------------------


def test_an_editor_sets_the_featured_image_in_the_article_form(admin_client, browser_post, make_article):
    image = add_picture(alt_text="Front door")
    article = make_article(title="Door", body="Text.")
    url = f"/admin/articles/article/{article.pk}/change/"
    assert browser_post(admin_client, url, {"featured_image": str(image.pk)}).status_code == 302
    article.refresh_from_db()
    assert article.featured_image == image
    assert not article.edited_since_import  # not imported: nothing to compare
    found = admin_client.get(
        "/admin/autocomplete/",
        {"term": "front", "app_label": "articles", "model_name": "article", "field_name": "featured_image"},
    )
    assert [result["text"] for result in found.json()["results"]] == ["Front door"]


def test_choosing_a_featured_image_counts_as_an_edit_of_an_imported_article(make_article, admin_client, browser_post):
    article = make_article(title="Imported", body="Text.", import_key="file:/x.md")
    article.import_state = article.content_fingerprint()
    article.save()
    assert not article.edited_since_import
    url = f"/admin/articles/article/{article.pk}/change/"
    browser_post(admin_client, url, {"featured_image": str(add_picture().pk)})
    article.refresh_from_db()
    assert article.edited_since_import


def test_the_admin_list_counts_the_articles_using_each_image_in_one_query(
    admin_client, make_article, django_assert_max_num_queries
):
    images = [add_picture(colour=(n, 7, 7)) for n in range(3)]
    make_article(title="One", body=images[0].markdown() + "\n\n" + images[0].markdown())
    make_article(title="Two", body=images[0].markdown(), featured_image=images[1])
    make_article(title="Three", body="none", featured_image=images[0])
    counts = {image.pk: image.use_count for image in Image.objects.with_use_count()}
    assert counts == {images[0].pk: 3, images[1].pk: 1, images[2].pk: 0}
    assert all(image.used_in().count() == counts[image.pk] for image in images)
    with django_assert_max_num_queries(6):  # session, user, the count, the page and its filters: none per image
        page = admin_client.get("/admin/images/image/").content.decode()
    assert "3 article(s)" in page and "Unused" in page


def test_uploading_a_known_picture_says_so_once_and_opens_the_image_there_is(admin_client):
    data = picture_bytes((300, 200))
    admin_client.post(
        "/admin/images/image/add/", {"upload": SimpleUploadedFile("a.jpg", data, "image/jpeg")}, follow=True
    )  # followed, so its own "added" message is read before the second upload
    image = Image.objects.get()
    response = admin_client.post(
        "/admin/images/image/add/", {"upload": SimpleUploadedFile("b.jpg", data, "image/jpeg")}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/admin/images/image/{image.pk}/change/"
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and "already in the library" in shown[0] and "added successfully" not in shown[0]
    assert Image.objects.count() == 1
