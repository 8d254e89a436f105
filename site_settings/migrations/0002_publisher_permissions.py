"""Publishers (articles 0009) may edit the site settings (name, tagline, footer, social image); Editors may not."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHERS = ["change_sitesettings", "view_sitesettings"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("site_settings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Publishers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="site_settings", codename__in=PUBLISHERS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Publishers"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="site_settings"))


class Migration(migrations.Migration):
    dependencies = [
        ("site_settings", "0001_initial"),
        ("articles", "0009_editor_publisher_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
