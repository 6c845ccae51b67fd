"""Slugs are unique whatever the case of their letters. Stories that already share a slug but
for its case keep the oldest one's; the others get "-2", "-3"… (their old URL then 404s, as a
mistyped one would)."""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower


def separate_case_twins(apps, schema_editor):
    Story = apps.get_model("stories", "Story")
    taken = {slug.lower() for slug in Story.objects.values_list("slug", flat=True)}
    seen = set()
    for story in Story.objects.annotate(lowered=Lower("slug")).order_by("lowered", "pk"):
        if story.lowered not in seen:
            seen.add(story.lowered)
            continue
        n = 2
        while f"{story.lowered}-{n}" in taken:
            n += 1
        story.slug = f"{story.lowered}-{n}"
        taken.add(story.slug)
        Story.objects.filter(pk=story.pk).update(slug=story.slug)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0008_notification_outbox"),
    ]

    operations = [
        migrations.RunPython(separate_case_twins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="story",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("slug"),
                name="story_slug_unique_any_case",
                violation_error_message="Another story already has this slug (in any letter "
                "case): change a word of it.",
            ),
        ),
    ]
