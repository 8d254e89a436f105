from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_creates_one_admin_with_a_random_password_shown_once():
    output = run()
    password = output.split("password: ")[1].split()[0]
    user = get_user_model().objects.get()
    assert user.is_superuser and user.username == "admin"
    assert len(password) >= 16 and user.check_password(password)
    second = run()
    assert "password" not in second.replace("log in with your existing", "")
    assert get_user_model().objects.count() == 1


def test_passwords_differ_between_installations():
    first = run().split("password: ")[1].split()[0]
    get_user_model().objects.all().delete()
    assert run().split("password: ")[1].split()[0] != first
