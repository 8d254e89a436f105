"""A body may only refer to library images that exist: the admin form and imports refuse an unknown
`image:` reference by name, and nothing is saved, so no page shows a broken picture and no export stops."""

import pytest

from articles.models import Article

from .image_helpers import add_picture

pytestmark = pytest.mark.django_db
ADD = "/admin/articles/article/add/"
UNKNOWN = "image:0000000000000000/10x10.jpg"


def test_the_admin_refuses_a_reference_to_an_image_not_in_the_library(admin_client, browser_post):
    known = add_picture()
    response = browser_post(
        admin_client, ADD, {"title": "Pictures", "body": f"{known.markdown('ok')}\r\n\r\n![x]({UNKNOWN})"}
    )
    assert response.status_code == 200
    assert f"No image {UNKNOWN} in the media library" in response.content.decode()
    assert not Article.objects.exists()


def test_a_known_library_image_is_accepted_by_the_admin(admin_client, browser_post):
    known = add_picture()
    response = browser_post(admin_client, ADD, {"title": "Pictures", "body": known.markdown("A desk")})
    assert response.status_code == 302
    assert Article.objects.get().body == known.markdown("A desk")


def test_an_import_with_an_unknown_image_reference_fails_that_file_by_name(run_import, write):
    page = write("pictures.md", f"---\ntitle: Pictures\n---\n\n![x]({UNKNOWN})\n")
    result = run_import(page)
    assert result.code == 1
    assert "pictures.md" in result.out + result.err and f"No image {UNKNOWN}" in result.out + result.err
    assert not Article.objects.exists()
