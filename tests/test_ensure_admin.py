from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, load_command_class
from django.core.management.base import OutputWrapper
from django.db import connections

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


def run_failing(*args) -> CommandError:
    with pytest.raises(CommandError) as raised:
        call_command("ensure_admin", *args, stdout=StringIO(), stderr=StringIO())
    return raised.value


def test_an_ordinary_user_named_admin_is_left_alone_with_a_clear_message(django_user_model):
    user = django_user_model.objects.create_user("admin", password="their own password")

    error = run_failing()

    assert error.returncode == 1
    message = str(error)
    assert "'admin' already exists" in message and "left unchanged" in message
    assert "createsuperuser" in message and "--username" in message
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff and user.check_password("their own password")
    assert django_user_model.objects.count() == 1


def test_another_username_creates_the_admin_beside_the_ordinary_user(django_user_model):
    django_user_model.objects.create_user("admin", password="x")
    out = StringIO()
    call_command("ensure_admin", "--username", "site-admin", stdout=out)
    assert django_user_model.objects.get(username="site-admin").is_superuser
    assert "changepassword site-admin" in out.getvalue()
    assert not django_user_model.objects.get(username="admin").is_superuser


def test_an_inactive_superuser_does_not_count_and_is_not_changed(django_user_model):
    django_user_model.objects.create_superuser("old", password="x", is_active=False)
    output = run()
    assert "username: admin" in output
    assert not django_user_model.objects.get(username="old").is_active


def test_an_existing_superuser_is_enough_even_when_admin_is_an_ordinary_user(django_user_model):
    django_user_model.objects.create_user("admin", password="x")
    django_user_model.objects.create_superuser("boss", password="x")
    assert "existing superuser" in run()
    assert not django_user_model.objects.get(username="admin").is_superuser


@pytest.mark.parametrize(("username", "reason"), [("", "blank"), ("has space", "valid username"), ("x" * 151, "150")])
def test_invalid_usernames_are_refused_with_a_message(django_user_model, username, reason):
    error = run_failing("--username", username)
    assert error.returncode == 1
    assert "cannot be a username" in str(error) and reason in str(error)
    assert not django_user_model.objects.exists()


def test_the_command_line_prints_the_message_and_exits_1_without_a_traceback(django_user_model, monkeypatch):
    django_user_model.objects.create_user("admin", password="x")
    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection
    stderr = StringIO()
    with pytest.raises(SystemExit) as exited:
        command = load_command_class("articles", "ensure_admin")
        command.stderr = OutputWrapper(stderr)
        command.run_from_argv(["manage.py", "ensure_admin"])
    assert exited.value.code == 1
    assert "CommandError: No admin account was created" in stderr.getvalue()
    assert "Traceback" not in stderr.getvalue()
