"""Admin sign-in: lockout per account and per address, resettable by staff and by command; sessions expire."""

import importlib
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from tests.test_settings import ROOT

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password=PASSWORD, is_staff=True, is_superuser=True)


def _sign_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "owner", "wrong").status_code == 200  # the form again, with its error
    assert _sign_in(client, "owner", "wrong").status_code == 429  # the last allowed failure locks
    locked = _sign_in(client, "owner", PASSWORD)
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # From another address too: the account itself is locked.
    assert _sign_in(client, "owner", PASSWORD, address="198.51.100.4").status_code == 429


def test_an_address_trying_many_accounts_is_locked(client, owner, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, f"guess{number}", "wrong", address="192.0.2.9")
    assert _sign_in(client, "owner", PASSWORD, address="192.0.2.9").status_code == 429
    # The owner signing in from elsewhere is not locked out by someone else's guessing.
    assert _sign_in(client, "owner", PASSWORD, address="198.51.100.4").status_code == 302


def test_a_reset_command_unlocks_the_account(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "owner", "wrong")
    assert _sign_in(client, "owner", PASSWORD).status_code == 429
    out = StringIO()
    call_command("axes_reset_username", "owner", stdout=out)
    assert PASSWORD not in out.getvalue()
    assert _sign_in(client, "owner", PASSWORD).status_code == 302


def test_staff_see_failed_attempts_in_the_admin_and_deleting_them_unlocks(client, owner, settings, admin_client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "owner", "wrong")
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "owner" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="owner")
    admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert _sign_in(client, "owner", PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "owner", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert _sign_in(client, "owner", PASSWORD).status_code == 302


def test_sessions_expire_hours_after_sign_in_and_at_browser_close(client, owner, settings):
    assert _sign_in(client, "owner", PASSWORD).status_code == 302
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining <= timedelta(hours=8)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]


def test_password_validators_refuse_a_weak_password(admin_client, owner):
    response = admin_client.post(
        f"/admin/auth/user/{owner.pk}/password/", {"password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()


@pytest.fixture
def reload_urls(settings):
    """Rebuild the URLconf after changing the settings it reads at import, and put it back afterwards."""
    import site_config.urls

    def reload():
        importlib.reload(site_config.urls)
        clear_url_caches()

    yield reload
    settings.ADMIN_URL, settings.PASSWORD_RESET_BY_EMAIL = "admin/", False
    reload()


def test_password_reset_is_linked_only_when_email_is_configured(client, settings, reload_urls):
    assert "Forgotten your login credentials" not in client.get(LOGIN).content.decode()
    settings.PASSWORD_RESET_BY_EMAIL = True
    reload_urls()
    page = client.get(LOGIN).content.decode()
    assert "Forgotten your login credentials" in page
    assert client.get(reverse("admin_password_reset")).status_code == 200


def test_the_admin_address_comes_from_the_admin_url_setting(client, owner, settings, reload_urls):
    settings.ADMIN_URL = "office-7f3a/"
    reload_urls()
    assert reverse("admin:index") == "/office-7f3a/"
    assert client.get("/admin/").status_code == 404
    assert _sign_in(client, "owner", PASSWORD).status_code == 404  # LOGIN is under /admin/
    response = client.post("/office-7f3a/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302


def test_admin_url_is_read_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.ADMIN_URL)"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "site_config.settings.test", "ADMIN_URL": "/office/"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "office/"
