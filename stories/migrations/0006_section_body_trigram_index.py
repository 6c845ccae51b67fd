"""A trigram index for the admin's search in section text (PostgreSQL only).

Django's `icontains` compiles to `UPPER(body::text) LIKE UPPER(%s)` on PostgreSQL, so the index
is on that expression; pg_trgm lets LIKE '%word%' use it instead of reading every section.
SQLite has no such index and needs none at laptop sizes.
"""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS stories_section_body_trgm "
    "ON stories_storysection USING gin ((UPPER(body::text)) gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS stories_section_body_trgm",)


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("stories", "0005_story_rendition")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
