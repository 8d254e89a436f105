import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a superuser with a random password, printed once, unless a superuser already exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="admin address to print")

    def handle(self, *args, username, url, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            self.stdout.write(f"Admin: {url} (log in with your existing superuser account).")
            return
        password = secrets.token_urlsafe(15)
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin account. Admin: {url}\n"
                f"  username: {username}\n  password: {password}\n"
                "This password is shown only now; change it in the admin, or run "
                "`manage.py changepassword admin` to set a new one."
            )
        )
