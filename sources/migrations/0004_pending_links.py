"""Citations saved with a URL before links were fetched are pending: the sweep fetches them."""

from django.db import migrations


def mark_pending(apps, schema_editor):
    Citation = apps.get_model("sources", "Citation")
    Citation.objects.exclude(url="").filter(link_status="").update(link_status="pending")


class Migration(migrations.Migration):
    dependencies = [("sources", "0003_snapshots")]

    operations = [migrations.RunPython(mark_pending, migrations.RunPython.noop)]
