"""The newsroom's two roles as groups: Journalists draft, Editors approve."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Model permissions by app and model. Journalists may edit only their own drafts: that rule is
# in stories/permissions.py, on top of `change_story`.
JOURNALISTS = {
    "stories": {
        "story": ["add", "change", "view"],
        "storysection": ["change", "view"],
        "byline": ["add", "change", "delete", "view"],
        "faqitem": ["add", "change", "delete", "view"],
        "storyentity": ["add", "change", "delete", "view"],
        "entity": ["add", "view"],
        "storytemplate": ["view"],
        "templatesection": ["view"],
        "correction": ["view"],
        "storytransition": ["view"],
        "dictionaryword": ["add", "view"],
    },
    "sources": {
        "citation": ["add", "change", "delete", "view"],
        "outlet": ["add", "view"],
    },
    "auth": {"user": ["view"]},
}
EDITORS = {
    "stories": {
        "story": ["add", "change", "delete", "view", "publish", "change_any"],
        "storysection": ["change", "view"],
        "byline": ["add", "change", "delete", "view"],
        "faqitem": ["add", "change", "delete", "view"],
        "storyentity": ["add", "change", "delete", "view"],
        "entity": ["add", "change", "delete", "view"],
        "storytemplate": ["add", "change", "delete", "view"],
        "templatesection": ["add", "change", "delete", "view"],
        "correction": ["view"],
        "storytransition": ["view"],
        "dictionaryword": ["add", "change", "delete", "view"],
    },
    "sources": {
        "citation": ["add", "change", "delete", "view"],
        "outlet": ["add", "change", "delete", "view"],
    },
    "auth": {"user": ["view"]},
}


def codename(verb, model):
    return {"publish": "publish_story", "change_any": "change_any_story"}.get(
        verb, f"{verb}_{model}"
    )


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in [("Journalists", JOURNALISTS), ("Editors", EDITORS)]:
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            (app_label, model, codename(verb, model))
            for app_label, models in grants.items()
            for model, verbs in models.items()
            for verb in verbs
        ]
        permissions = [
            Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=code,
            )
            for app_label, model, code in wanted
        ]
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Journalists", "Editors"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("stories", "0003_workflow"),
        ("sources", "0002_citation_link_status"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
