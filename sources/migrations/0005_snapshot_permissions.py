"""Journalists and editors may look at archived snapshots (read-only: the fetcher writes them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="sources", codename="view_snapshot")
    for group in Group.objects.filter(name__in=["Journalists", "Editors"]):
        group.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_pending_links"),
        ("stories", "0004_newsroom_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
