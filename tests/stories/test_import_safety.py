"""What the import refuses or removes before anything is written: characters a field may not
hold (removed, with a note), and text over a field's limit (refused, saying what to fix)."""

import datetime as dt

import pytest

from sources.models import Citation, Outlet
from stories.importing import StoryImportRefused, story_import, story_text_parse
from stories.models import Entity, FAQItem, Story

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)
BODY = "Ferry crews stopped work at dawn on Monday.\n\nTalks collapsed overnight."


def parse(text, template, **kwargs):
    return story_text_parse(text=text, template=template, today=TODAY, **kwargs)


def test_control_and_invisible_characters_are_removed_with_a_note(explainer_template):
    text = (
        "# Ferry\x07 crews \u202ewalk out\n\n"
        "## What happened\n\n"
        "Crews\x00 stopped work.\x1b Talks \u2067collapsed\u2069 overnight.\n\n"
        "## FAQ\n\n"
        "Why did\u200b they strike?\nOver night shifts.\n"
    )
    draft = parse(text, explainer_template)
    assert draft.problems == []
    assert draft.headline == "Ferry crews walk out"
    body = draft.section("whats-happened").body
    # Removed from text: control characters; isolates are text in a body.
    assert body == "Crews stopped work. Talks \u2067collapsed\u2069 overnight."
    assert draft.faq_items[0].question == "Why did they strike?"
    notes = "\n".join(draft.notes)
    assert (
        "Removed from the text: U+0007 (BEL, a control character), U+0000 (NUL, a control "
        "character), U+001B (ESC, a control character)" in notes
    )
    assert "Removed from the headline: U+202E (RIGHT-TO-LEFT OVERRIDE)" in notes
    assert "Removed from FAQ item 1: U+200B (ZERO WIDTH SPACE)" in notes


def test_a_given_headline_is_cleaned_too(explainer_template):
    draft = parse(BODY, explainer_template, headline="Strike\u200b on the\x07 ferries")
    assert draft.headline == "Strike on the ferries"
    assert any("Removed from the headline: U+200B (ZERO WIDTH SPACE)" in n for n in draft.notes)


def test_a_first_line_longer_than_a_headline_is_refused_saying_what_to_fix(explainer_template):
    draft = parse("# " + "A" * 10_000 + "\n\n" + BODY, explainer_template)
    assert draft.problems == [
        "The first line (the headline) is 10,000 characters; headlines are at most 300: put "
        "the headline on its own first line."
    ]
    assert not draft.can_save
    with pytest.raises(StoryImportRefused):
        story_import(draft=draft)
    assert Story.objects.count() == 0


def test_a_given_headline_longer_than_a_headline_is_refused(explainer_template):
    draft = parse(BODY, explainer_template, headline="Strike " * 60)
    assert draft.problems == [
        "The headline you gave is 419 characters; headlines are at most 300: shorten it."
    ]


def test_a_link_longer_than_a_citation_takes_is_refused_and_nothing_is_saved(explainer_template):
    url = "https://news.example/" + "a" * 2100
    text = (
        "# Ferry crews walk out\n\n## What the papers say\n\n"
        f"Crews walked out at dawn ([Port Times]({url}), Nov 8).\n"
    )
    draft = parse(text, explainer_template)
    assert draft.problems == [
        "The link of citation 1 (Port Times) is 2,121 characters; links are at most 2,000: "
        "shorten it (leave out its tracking parameters) or cite another page."
    ]
    with pytest.raises(StoryImportRefused):
        story_import(draft=draft)
    assert (Story.objects.count(), Citation.objects.count(), Outlet.objects.count()) == (0, 0, 0)


def test_story_import_checks_the_limits_of_a_draft_changed_after_reading(explainer_template):
    draft = parse("# Ferry crews walk out\n\n" + BODY, explainer_template)
    draft.dateline_place = "P" * 201
    with pytest.raises(StoryImportRefused, match="The dateline's place is 201 characters"):
        story_import(draft=draft)
    assert (Story.objects.count(), Entity.objects.count(), FAQItem.objects.count()) == (0, 0, 0)


def test_an_entity_card_name_loses_a_right_to_left_override_and_the_note_shows_none(
    explainer_template,
):
    text = (
        "# Ferry crews walk out\n\n## Key players\n\n"
        "Acme\u202e Ferries is a company that runs the night crossings.\n"
    )
    draft = parse(text, explainer_template)
    assert [card.name for card in draft.entities] == ["Acme Ferries"]
    note = next(n for n in draft.notes if n.startswith("Removed from the name of entity card 1"))
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in note
    assert "\u202e" not in note
