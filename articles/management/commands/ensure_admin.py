import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction


class Command(BaseCommand):
    help = (
        "Create a superuser with a random password, printed once, unless an active superuser already exists. "
        "Never changes an existing account: when the username is taken, it says so and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="admin address to print")

    def handle(self, *args, username, url, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True, is_active=True).exists():
            self.stdout.write(f"Admin: {url} (log in with your existing superuser account).")
            return
        username = self.valid_username(users, username)
        if users._default_manager.filter(**{users.USERNAME_FIELD: username}).exists():
            raise self.taken(username)
        password = secrets.token_urlsafe(15)
        try:
            with transaction.atomic():
                users._default_manager.create_superuser(**{users.USERNAME_FIELD: username}, email="", password=password)
        except IntegrityError as error:  # created by someone else since the check above
            raise self.taken(username) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin account. Admin: {url}\n"
                f"  username: {username}\n  password: {password}\n"
                "This password is shown only now; change it in the admin, or run "
                f"`manage.py changepassword {username}` to set a new one."
            )
        )

    def valid_username(self, users, username: str) -> str:
        field = users._meta.get_field(users.USERNAME_FIELD)
        username = users.normalize_username(username)
        try:
            return field.clean(username, None)
        except ValidationError as error:
            reasons = " ".join(error.messages)
            raise CommandError(f"{username!r} cannot be a username: {reasons} Pass another with --username.") from None

    def taken(self, username: str) -> CommandError:
        return CommandError(
            f"No admin account was created: a user named {username!r} already exists and is not an active "
            "superuser. It was left unchanged. Create a superuser with `manage.py createsuperuser`, "
            "or run `manage.py ensure_admin --username ANOTHER_NAME`."
        )
