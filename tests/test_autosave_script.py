"""Autosave in the browser: the change form loads a small self-hosted script (no inline script, for a
strict CSP) and names the local copy's key, per article and per user. The script's behaviour in a
real browser (restore, discard) is tested in the browser issue; here, its presence and its inputs."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, url):
    return BeautifulSoup(client.get(url).content, "lxml")


def test_the_change_form_loads_the_script_and_names_a_key_per_article_and_user(client, group_editor, make_article):
    article = make_article()
    client.force_login(group_editor)
    html = page(client, reverse("admin:articles_article_change", args=[article.pk]))
    sources = [script["src"] for script in html.find_all("script", src=True)]
    assert any(src.endswith("/articles/autosave.js") for src in sources)
    key = html.select_one("form#article_form [data-autosave-key]")["data-autosave-key"]
    assert key == f"article-autosave:{article.pk}:{group_editor.pk}"
    add = page(client, reverse("admin:articles_article_add"))
    assert add.select_one("[data-autosave-key]")["data-autosave-key"] == f"article-autosave:new:{group_editor.pk}"


def test_the_change_form_has_no_inline_script(client, group_editor, make_article):
    article = make_article()
    client.force_login(group_editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    soup = BeautifulSoup(html, "lxml")
    inline = [s for s in soup.find_all("script") if not s.has_attr("src") and s.get("type") != "application/json"]
    assert inline == []
    assert " onclick=" not in html and " oninput=" not in html


def test_the_script_is_served_and_keeps_restores_and_discards(client):
    path = finders.find("articles/autosave.js")
    with open(path, encoding="utf-8") as file:
        source = file.read()
    assert "localStorage" in source and "data-autosave-key" in source
    assert "Restore unsaved text" in source and "Discard it" in source
    assert "eval(" not in source and "innerHTML" not in source  # nothing a strict CSP or a stored text could abuse
    response = client.get("/static/articles/autosave.js")
    assert response.status_code == 200
