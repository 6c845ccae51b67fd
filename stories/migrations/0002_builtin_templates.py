"""The two built-in templates, shaped after the seed stories (shared/seeds/)."""

from django.db import migrations

EXPLAINER = [
    # key, heading, kind, required, min_items, help text
    ("whats-happened", "What's happened", "text", True, 0,
     "The news in three or four sentences: what happened, where, when, who."),
    ("behind-the-headline", "What's behind the headline?", "text", True, 0,
     "The why. A sub-heading, a short intro, then labelled points (\"Deterrence: …\")."),
    ("forecast", "Forecast and Implications", "text", False, 0,
     "What is likely to happen next, and who it affects."),
    ("papers", "What the papers say", "citations", True, 2,
     "How other outlets report it. Each claim is a citation: outlet, date, what they say."),
    ("how-we-got-here", "How we got here", "text", False, 0,
     "The background a newcomer needs, in chronological order."),
    ("go-deeper", "Go deeper", "text", False, 0,
     "Questions readers may want to explore next, as a bulleted list."),
    ("common-questions", "Common questions", "faq", False, 0,
     "Questions readers ask, each with a short answer. Add them as FAQ items below."),
    ("more-on-these-topics", "More on these topics", "entities", False, 0,
     "The people, countries and organisations in the story. Link them as entities below."),
]

NEWS_REPORT = [
    ("body", "Body", "text", True, 0,
     "The report. Attribute every quote to a speaker and a channel: "
     "according to the agency, said in a statement, wrote on social media."),
    ("sources", "Sources", "citations", False, 0,
     "The statements and reports this story relies on, each as a citation."),
]


def create_templates(apps, schema_editor):
    StoryTemplate = apps.get_model("stories", "StoryTemplate")
    TemplateSection = apps.get_model("stories", "TemplateSection")
    for slug, name, description, requires_dateline, sections in [
        ("explainer", "Explainer",
         "Explains a news event: what happened, why, what comes next, what others report.",
         False, EXPLAINER),
        ("news-report", "News report",
         "A dated report from a place: headline, dateline, body with attributed quotes.",
         True, NEWS_REPORT),
    ]:
        template, _ = StoryTemplate.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "requires_dateline": requires_dateline},
        )
        for order, (key, heading, kind, required, min_items, help_text) in enumerate(sections):
            TemplateSection.objects.get_or_create(
                template=template,
                key=key,
                defaults={
                    "heading": heading, "kind": kind, "required": required,
                    "min_items": min_items, "help_text": help_text, "order": order,
                },
            )


def remove_templates(apps, schema_editor):
    apps.get_model("stories", "StoryTemplate").objects.filter(
        slug__in=["explainer", "news-report"], stories__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]
    operations = [migrations.RunPython(create_templates, remove_templates)]
