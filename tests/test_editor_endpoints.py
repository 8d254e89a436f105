import io

import pytest
from django.contrib.auth.models import Permission
from PIL import Image

pytestmark = pytest.mark.django_db

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "dot.png"
    return buffer


def test_preview_uses_the_sanitising_renderer(client, editor):
    client.force_login(editor)
    response = client.post(PREVIEW, {"content": "**hi** <script>alert(1)</script> <img src=x onerror=y>"})
    assert response.status_code == 200
    assert response.content.decode() == '<p><strong>hi</strong>  <img src="x"></p>'


def test_preview_refuses_anonymous_visitors(client):
    assert client.post(PREVIEW, {"content": "x"}).status_code == 403


def test_preview_refuses_staff_without_change_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(viewer)
    assert client.post(PREVIEW, {"content": "x"}).status_code == 403


def test_preview_refuses_non_staff_even_with_permission(client, django_user_model):
    user = django_user_model.objects.create_user("member", password="pw")
    user.user_permissions.set(Permission.objects.filter(codename="change_article"))
    client.force_login(user)
    assert client.post(PREVIEW, {"content": "x"}).status_code == 403


def test_preview_without_content_is_a_bad_request(client, editor):
    client.force_login(editor)
    assert client.post(PREVIEW, {}).status_code == 400


def test_preview_answers_only_post(client, editor):
    client.force_login(editor)
    assert client.get(PREVIEW).status_code == 405


def test_upload_refuses_anonymous_visitors(client):
    assert client.post(UPLOAD, {"image": _png()}, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403


def test_upload_accepts_an_image_from_an_editor(client, editor, settings):
    client.force_login(editor)
    response = client.post(UPLOAD, {"image": _png()}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    assert response.json()["image_code"].startswith("![Describe the image](image:")


def test_upload_refuses_svg(client, editor):
    client.force_login(editor)
    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    svg.name = "x.svg"
    response = client.post(UPLOAD, {"image": svg}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 400


def test_staff_who_may_only_add_articles_get_the_preview_too(client, django_user_model):
    writer = django_user_model.objects.create_user("writer", password="pw", is_staff=True)
    writer.user_permissions.set(Permission.objects.filter(codename="add_article"))
    client.force_login(writer)
    assert client.post(PREVIEW, {"content": "*x*"}).content == b"<p><em>x</em></p>"
