"""Oversize and malformed input is refused with a clear message, and the site stays up."""

import pytest
import yaml

from articles.models import Article

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/article/add/"
MB = 1024 * 1024


def _form(**changes):
    return {
        "title": "A title",
        "slug": "a-title",
        "body": "Some text.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        **changes,
    }


def _site_is_up(client):
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(("field", "size"), [("title", 10 * MB), ("body", 50 * MB)])
def test_a_request_over_the_limit_is_refused_with_413_and_a_message(admin_client, client, field, size):
    response = admin_client.post(ADD, _form(**{field: "x" * size}))
    assert response.status_code == 413
    page = response.content.decode()
    assert "larger than this site accepts" in page and "nothing was saved" in page
    assert not Article.objects.exists()
    _site_is_up(client)


def test_the_preview_endpoint_refuses_a_request_over_the_limit(admin_client, client):
    response = admin_client.post("/markdownx/markdownify/", {"content": "x" * 10 * MB})
    assert response.status_code == 413
    _site_is_up(client)


def test_a_long_title_under_the_request_limit_is_a_form_error(admin_client):
    response = admin_client.post(ADD, _form(title="x" * MB))
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    assert not Article.objects.exists()


def test_a_body_over_the_body_limit_is_a_form_error_naming_the_limit(admin_client, settings):
    response = admin_client.post(ADD, _form(body="x" * (settings.ARTICLE_BODY_MAX_BYTES + 1)))
    assert response.status_code == 200
    assert "MB" in response.content.decode() or "bytes" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("opening", [">", "* ", "["])
def test_markdown_nested_ten_thousand_deep_saves_and_renders(admin_client, client, opening):
    body = opening * 10_000 + "deep text"
    response = admin_client.post(
        ADD, _form(body=body, status="published", published_at_0="2024-01-02", published_at_1="10:00:00")
    )
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(Article.objects.get().get_absolute_url())
    assert page.status_code == 200
    assert "deep text" in page.content.decode()


def test_an_import_with_a_huge_title_names_the_file_and_the_field(run_import, write, client):
    write("fine.md", "---\ntitle: Fine\n---\n\nBody.\n")
    result = run_import(write("huge.md", "---\n" + yaml.safe_dump({"title": "x" * MB}) + "---\n\nBody.\n").parent)
    assert result.code != 0
    assert "huge.md" in result.text and "title" in result.text
    assert list(Article.objects.values_list("title", flat=True)) == ["Fine"]
    _site_is_up(client)


def test_an_import_of_a_file_over_the_size_limit_is_refused_by_name(run_import, write, settings, client):
    settings.IMPORT_MAX_FILE_SIZE = MB
    path = write("big.txt", "Title\n\n" + "word " * MB)
    result = run_import(path.parent)
    assert result.code != 0
    assert "big.txt" in result.text
    _site_is_up(client)


def test_malformed_search_input_is_answered_not_crashed(client):
    for query in ["\x00", '"unbalanced', "a" * 10_000, "NEAR(", "*", "-", "OR OR", "'; DROP TABLE x; --"]:
        assert client.get("/search/", {"q": query}).status_code == 200, query
