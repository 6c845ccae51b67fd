import pytest

from stories.models import Story, StorySection, StoryTemplate, TemplateSection
from stories.rendering import render_markdown
from tests import factories

pytestmark = pytest.mark.django_db


def test_builtin_templates_follow_the_seed_shapes():
    explainer = StoryTemplate.objects.get(slug="explainer")
    assert [s.heading for s in explainer.sections.all()] == [
        "What's happened",
        "What's behind the headline?",
        "Forecast and Implications",
        "What the papers say",
        "How we got here",
        "Go deeper",
        "Common questions",
        "More on these topics",
    ]
    papers = explainer.sections.get(key="papers")
    assert (papers.kind, papers.required, papers.min_items) == ("citations", True, 2)
    report = StoryTemplate.objects.get(slug="news-report")
    assert report.requires_dateline
    assert report.sections.get(key="body").required


def test_creating_a_story_gives_it_the_templates_empty_sections(explainer_template, journalist):
    story = factories.story(by=journalist, fill_sections=False, headline="Missiles again")
    assert story.slug == "missiles-again"
    assert list(story.sections.values_list("key", "body")) == [
        (s.key, "") for s in explainer_template.sections.all()
    ]
    assert list(story.bylines.all()) == [journalist]


def test_slugs_stay_unique_for_the_same_headline(journalist):
    first = factories.story(by=journalist, headline="Same headline")
    second = factories.story(by=journalist, headline="Same headline")
    assert (first.slug, second.slug) == ("same-headline", "same-headline-2")


def test_story_keeps_its_sections_when_the_template_changes(explainer_template, journalist):
    story = factories.story(by=journalist)
    TemplateSection.objects.filter(template=explainer_template, key="forecast").delete()
    explainer_template.sections.filter(key="whats-happened").update(heading="The news")
    section = story.sections.get(key="forecast")
    assert section.body == "Text for **Forecast and Implications**."
    assert story.sections.get(key="whats-happened").heading == "What's happened"


@pytest.mark.parametrize(
    "markdown, forbidden",
    [
        ("Hello <script>alert(1)</script>", "<script"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<img src=x onerror="alert(1)">', "onerror"),
    ],
)
def test_section_html_is_sanitized(markdown, forbidden, journalist):
    story = factories.story(by=journalist)
    section = story.sections.first()
    section.body = markdown
    section.save()
    assert forbidden not in StorySection.objects.get(pk=section.pk).body_html


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**Deterrence:** rising\n\n- one\n- two\n\n[AP](https://apnews.com)")
    assert "<strong>Deterrence:</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://apnews.com"' in html and 'rel="noopener noreferrer"' in html


def test_a_bulk_update_changes_exactly_the_rows_it_locked_and_announces_each(
    monkeypatch, journalist
):
    """A row that starts to match between the lock and the UPDATE is neither changed nor
    announced; at any size, in batches (here 2 rows a batch, 5 rows)."""
    from stories.models import StoryQuerySet
    from stories.signals import story_rows_updating

    monkeypatch.setattr(StoryQuerySet, "UPDATE_BATCH", 2)
    drafts = [factories.story(by=journalist, headline=f"Draft {n}") for n in range(5)]
    latecomer = factories.story(by=journalist, headline="Latecomer", language="de")
    announced = []

    def meanwhile(sender, slugs, **kwargs):
        announced.extend(slugs or ["<every story>"])
        if len(announced) <= 2:  # between the lock and the first UPDATE: it starts to match
            Story.objects.filter(pk=latecomer.pk).update(language="en")

    story_rows_updating.connect(meanwhile, dispatch_uid="test-meanwhile")
    try:
        changed = Story.objects.filter(language="en").update(summary="Bulk.")
    finally:
        story_rows_updating.disconnect(dispatch_uid="test-meanwhile")
    assert changed == 5
    assert set(Story.objects.filter(summary="Bulk.")) == set(drafts)
    assert sorted(set(announced) - {latecomer.slug}) == sorted(d.slug for d in drafts)
