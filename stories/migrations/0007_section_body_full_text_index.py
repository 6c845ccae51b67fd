"""The admin's search in section text: a full-text (GIN) index replaces the trigram one.

A trigram index finds a rare word quickly, but a word that is in most sections still makes
PostgreSQL read and re-check all their text (0.4 s over 80,000 sections). The full-text index
answers from its posting lists (about 35 ms for the same word); `selectors.story_ids_with_text`
queries exactly this expression (Django's `SearchVector("body", config="simple")`). PostgreSQL
only, as before; SQLite keeps a substring match.
"""

from django.db import migrations

CREATE = (
    "DROP INDEX IF EXISTS stories_section_body_trgm",
    "CREATE INDEX IF NOT EXISTS stories_section_body_fts ON stories_storysection "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(body, '')))",
)
DROP = (
    "DROP INDEX IF EXISTS stories_section_body_fts",
    "CREATE INDEX IF NOT EXISTS stories_section_body_trgm "
    "ON stories_storysection USING gin ((UPPER(body::text)) gin_trgm_ops)",
)


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("stories", "0006_section_body_trigram_index")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
