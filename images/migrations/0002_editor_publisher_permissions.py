"""Editors and Publishers (articles 0009) get the media library's permissions.

Editors upload (add), pick a featured image (view) and describe images (change: alt text, caption,
credit); Publishers may also delete an image no article uses (a used one is always refused).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = ["add_image", "change_image", "view_image"]
PUBLISHERS = [*EDITORS, "delete_image"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("images")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in [("Editors", EDITORS), ("Publishers", PUBLISHERS)]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="images", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="images"))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("articles", "0009_editor_publisher_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
