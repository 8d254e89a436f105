"""Two real gunicorn servers on one database and one page cache: a change through one shows on the other.

Real processes, no mocks: the embedded default (SQLite, the page cache in files) and, when REDIS_URL is
set, Redis. About fifteen seconds, so the default run leaves it out: `pytest -m servers` runs it.
"""

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bench.servers import Site

pytestmark = pytest.mark.servers


class Browser:
    def __init__(self, address: str):
        self.address = address
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str):
        try:
            response = self.opener.open(self.address + path, timeout=10)
            return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def post(self, path: str, data: dict):
        html = self.get(path)[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.address + path, body, headers={"Referer": self.address + path})
        return self.opener.open(request, timeout=10).status


@pytest.fixture
def two_servers(tmp_path):
    env = (
        {"REDIS_URL": os.environ["REDIS_URL"], "CACHE_KEY_PREFIX": f"two-{os.getpid()}"}
        if "REDIS_URL" in os.environ
        else {}
    )
    # Production's settings but for the Secure cookies, which this plain-HTTP client would not send back.
    site = Site(tmp_path / "site", DJANGO_SETTINGS_MODULE="site_config.settings.base", **env)
    site.build()
    site.shell(
        "from django.contrib.auth.models import User; from articles.models import Article; "
        "User.objects.create_superuser('boss', 'b@example.org', 'pw-for-the-test'); "
        "Article.objects.create(title='Shared news', slug='shared-news', body='First words.', status='published')"
    )
    try:
        yield site, site.serve(workers=2), site.serve(workers=2)
    finally:
        site.stop()


def test_a_change_through_one_server_shows_on_the_next_request_to_the_other(two_servers):
    site, first, second = two_servers
    reader = Browser(second)
    for _ in range(4):  # both workers of the second server store the page
        status, headers, html = reader.get("/articles/shared-news/")
        assert status == 200 and "Shared news" in html
    assert headers["X-Page-Cache"] == "hit"
    assert "Shared news" in reader.get("/")[2]
    editor = Browser(first)
    editor.post("/admin/login/?next=/admin/", {"username": "boss", "password": "pw-for-the-test"})
    pk = site.shell("from articles.models import Article; print(Article.objects.get().pk)")
    editor.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": pk})
    for _ in range(4):  # whichever worker answers
        assert reader.get("/articles/shared-news/")[0] == 404
        assert "Shared news" not in reader.get("/")[2]
    editor.post("/admin/articles/article/", {"action": "publish", "_selected_action": pk})
    for _ in range(4):
        assert reader.get("/articles/shared-news/")[0] == 200
        assert "Shared news" in reader.get("/")[2]
