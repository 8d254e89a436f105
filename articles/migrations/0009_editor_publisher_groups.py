"""Editors and Publishers, with their permissions (articles/workflow.py enforces what they mean).

Editors add and change articles and upload images (the editor's upload needs add or change),
and see previews; Publishers may also publish, schedule, unpublish, delete, restore from the
trash and edit redirects. Permissions are created here first: on a new database Django
creates them only after every migration has run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = [
    ("articles", "add_article"), ("articles", "change_article"), ("articles", "view_article"),
    ("articles", "add_topic"), ("articles", "view_topic"), ("articles", "add_tag"), ("articles", "view_tag"),
    ("redirects", "view_redirect"),
]
PUBLISHERS = EDITORS + [
    ("articles", "delete_article"), ("articles", "publish_article"),
    ("articles", "change_topic"), ("articles", "change_tag"),
    ("redirects", "add_redirect"), ("redirects", "change_redirect"), ("redirects", "delete_redirect"),
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [("Editors", EDITORS), ("Publishers", PUBLISHERS)]:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_revisions_trash_review'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('redirects', '0002_alter_redirect_new_path_help_text'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
