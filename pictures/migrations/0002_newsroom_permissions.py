"""Journalists and editors work with pictures: both upload and describe them and place them in
stories (a placement is a story part: the story's own rules say who may edit it); only editors
remove pictures from the library."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Journalists": ["add_image", "change_image", "view_image",
                    "add_placement", "change_placement", "delete_placement", "view_placement"],
    "Editors": ["add_image", "change_image", "delete_image", "view_image",
                "add_placement", "change_placement", "delete_placement", "view_placement"],
}  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("pictures")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="pictures", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pictures", "0001_initial"),
        ("stories", "0004_newsroom_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
