import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

import site_settings.models as site_settings
from articles import page_cache
from articles.models import Article
from tests.visibility import three_states  # noqa: F401  (a public, a draft and a scheduled article)

SEEDS = Path(__file__).resolve().parent.parent / "sample_content"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    page_cache.clear()  # and every remembered page
    # Site settings as a running site has them cached (no row yet: the environment's values), so query
    # counts measure a page, not the first read after a restart. tests/test_site_settings.py clears it.
    cache.set(site_settings.CACHE_KEY, site_settings.Current.from_row(None), None)
    yield
    cache.clear()


@pytest.fixture
def make_article(db):
    def make(**fields):
        fields.setdefault("title", "An article")
        fields.setdefault("body", "Some text.")
        fields.setdefault("status", Article.Status.PUBLISHED)
        if fields["status"] == Article.Status.PUBLISHED:
            fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
        tags = fields.pop("tags", [])
        article = Article.objects.create(**fields)
        if tags:
            article.tags.set(tags)
        return article

    return make


@pytest.fixture
def editor(django_user_model):
    """Staff who may change articles, but is not a superuser."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["change_article", "add_article", "view_article", "add_image"])
    )
    return user


@pytest.fixture
def seed_dir():
    return SEEDS


@pytest.fixture
def browser_post():
    """Submit an admin form the way a browser does: every field as rendered, textareas with CRLF."""

    def submit(client, url, changes=None, *, form_id=None):
        data = form_values(client.get(url).content, form_id)
        for name, value in (changes or {}).items():
            data[name] = value if isinstance(value, list) else [value]
        return client.post(url, data)

    return submit


@pytest.fixture
def open_form():
    """The values a browser would post from the admin form on a page, read now (to post later)."""

    def read(client, url, *, form_id=None) -> dict[str, list[str]]:
        return form_values(client.get(url).content, form_id)

    return read


def form_values(content: bytes, form_id=None) -> dict[str, list[str]]:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(content, "lxml")
    # The admin's change form is "<model>_form"; the header's logout form is a POST form too.
    form = page.find("form", id=form_id or re.compile(r"_form$"))
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        if element.name == "textarea":
            text = element.get_text()
            text = text[1:] if text.startswith("\n") else text  # HTML drops the newline after <textarea>
            value = [text.replace("\r\n", "\n").replace("\n", "\r\n")]
        elif element.name == "select":
            chosen = element.find_all("option", selected=True)
            if not chosen and not element.has_attr("multiple"):
                chosen = element.find_all("option")[:1]  # as a browser does: the first option
            value = [option.get("value", option.get_text()) for option in chosen]
        elif element.get("type") in {"checkbox", "radio"}:
            value = [element.get("value", "on")] if element.has_attr("checked") else []
        elif element.get("type") in {"submit", "button", "file"}:
            continue
        else:
            value = [element.get("value", "")]
        data.setdefault(name, []).extend(value)
    return data


class ImportRun:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def run_import(db):
    """Run `manage.py import_articles` and return its exit code and output."""

    def run(*args) -> ImportRun:
        out, err = StringIO(), StringIO()
        try:
            call_command("import_articles", *[str(arg) for arg in args], stdout=out, stderr=err)
        except CommandError as error:
            err.write(f"{error}\n")
            return ImportRun(error.returncode, out.getvalue(), err.getvalue())
        return ImportRun(0, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def write(tmp_path):
    """Write a file under a fresh folder and return its path."""

    def write_file(name: str, content: str | bytes) -> object:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write_file


def _group_member(django_user_model, username: str, group: str):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))  # made by migration 0009, with its permissions
    return user


@pytest.fixture
def group_editor(db, django_user_model):
    """A member of the Editors group (not a superuser): may write, may not publish."""
    return _group_member(django_user_model, "edna", "Editors")


@pytest.fixture
def publisher(db, django_user_model):
    """A member of the Publishers group (not a superuser)."""
    return _group_member(django_user_model, "paul", "Publishers")


@pytest.fixture
def database_state(db):
    """Everything an editorial action could change, to assert that a refused one changed nothing."""
    from django.contrib.redirects.models import Redirect

    from articles.models import Revision

    def state():
        articles = list(Article.objects.order_by("pk").values())
        tags = sorted(Article.tags.through.objects.values_list("article_id", "tag_id"))
        revisions = list(Revision.objects.order_by("pk").values_list("pk", "content_hash"))
        redirects = sorted(Redirect.objects.values_list("old_path", "new_path"))
        return articles, tags, revisions, redirects

    return state
