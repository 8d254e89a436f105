"""Content Security Policy and the other security headers, public pages and the admin."""

import re
import subprocess
import sys

import pytest

from tests.test_settings import ROOT, _check

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = ["/", "/search/?q=therapy", "/feed/", "/sitemap.xml", "/robots.txt"]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def article_path(make_article):
    return make_article(title="Sleep and mood", body="Some *text*.").get_absolute_url()


def test_public_pages_carry_a_static_strict_policy(client, article_path):
    headers = [client.get(path).headers["Content-Security-Policy"] for path in [*PUBLIC_PATHS, article_path]]
    assert len(set(headers)) == 1  # the same static header everywhere: no nonce, so pages may be cached whole
    policy = _directives(headers[0])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in headers[0] and "nonce-" not in headers[0] and "http" not in headers[0]


def test_public_pages_have_no_inline_script_or_style(client, article_path):
    for path in ["/", "/search/?q=sleep", article_path]:
        html = client.get(path).content.decode()
        assert " style=" not in html and "<style" not in html
        for opening in re.findall(r"<script\b[^>]*>", html):
            # Only data blocks (JSON-LD), which a browser never runs, or files of our own.
            assert 'type="application/ld+json"' in opening or "src=" in opening, opening
        assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


def test_other_security_headers_on_public_pages(client, article_path):
    response = client.get(article_path)
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions


def test_the_admin_and_the_editor_endpoints_get_their_own_policy_without_inline_script(admin_client, client):
    public = _directives(client.get("/").headers["Content-Security-Policy"])
    for response in (
        admin_client.get("/admin/"),
        admin_client.get("/admin/articles/article/add/"),
        admin_client.post("/markdownx/markdownify/", {"content": "**hi**"}),
        client.get("/admin/login/"),
    ):
        policy = _directives(response.headers["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:", "blob:"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert policy != public
        assert "Permissions-Policy" in response.headers


def test_the_add_form_has_no_inline_script(admin_client):
    html = admin_client.get("/admin/articles/article/add/").content.decode()
    for opening in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in opening or "application/json" in opening, opening


def _prod_value(expression: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", f"from django.conf import settings; print({expression})"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "site_config.settings.prod",
            "SECRET_KEY": "k" * 20 + "Zq8#x" * 10,
            "ALLOWED_HOSTS": "example.org",
            "SITE_URL": "https://example.org",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_hsts_subdomains_and_preload_are_the_owners_choice_off_by_default():
    assert _prod_value("(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)") == "(False, False)"
    chosen = _prod_value(
        "(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert chosen == "(True, True)"


def test_with_both_hsts_choices_made_check_deploy_reports_nothing(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    result = _check(
        "site_config.settings.prod",
        SECRET_KEY="k" * 20 + "Zq8#x" * 10,
        ALLOWED_HOSTS="example.org",
        SITE_URL="https://example.org",
        STATIC_ROOT=str(tmp_path),
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
