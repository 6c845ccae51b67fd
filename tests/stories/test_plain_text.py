"""One-line fields refuse control, bidi-override and zero-width characters; text fields refuse
control characters but line breaks and tabs. The model fields carry the rule, so the admin and
any full_clean see it."""

import pytest
from django.core.exceptions import ValidationError

from stories.models import Entity, FAQItem, Story
from stories.plain_text import text_cleaned, validate_multi_line_text, validate_one_line_text
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Storm\x07 hits", "U+0007 (BEL, a control character) at position 6"),
        ("Storm hits\n the coast", "U+000A (LF, a control character) at position 11"),
        ("Storm \u202estsaoc", "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 7"),
        ("Storm \u2066hits\u2069", "U+2066 (LEFT-TO-RIGHT ISOLATE) at position 7"),
        ("Sto\u200brm hits", "U+200B (ZERO WIDTH SPACE) at position 4"),
        ("Oba\u200dma visits", "U+200D (ZERO WIDTH JOINER) at position 4"),
        ("Storm\x85 hits", "U+0085 (a control character) at position 6"),
    ],
)
def test_one_line_text_refuses_what_hides_or_turns_words_naming_it_and_where(text, says):
    with pytest.raises(ValidationError) as refused:
        validate_one_line_text(text)
    assert says in refused.value.messages[0]


def test_one_line_text_counts_the_other_unsafe_characters():
    with pytest.raises(ValidationError, match=r"and 2 more such characters"):
        validate_one_line_text("a\x07b\x07c\u202e")


@pytest.mark.parametrize(
    "text",
    [
        "Ceasefire holds in Gaza – for now",
        "می\u200cخواهم",  # Persian: the zero-width non-joiner is part of the spelling
        "\U0001f469\u200d\U0001f4bb coders strike",  # an emoji sequence
        "عاجل: وقف إطلاق النار",
    ],
)
def test_one_line_text_keeps_real_headlines(text):
    validate_one_line_text(text)


def test_multi_line_text_allows_line_breaks_tabs_and_isolates_but_not_control_characters():
    validate_multi_line_text("First line\r\nSecond\tline \u2067عربي\u2069 and a\u200bsoft break")
    with pytest.raises(
        ValidationError, match=r"U\+0000 \(NUL, a control character\) at position 5"
    ):
        validate_multi_line_text("Body\x00 text")


def test_text_cleaned_removes_them_and_says_what_it_removed():
    assert text_cleaned("Storm\x07 hits\u202e the coast\x07", one_line=True) == (
        "Storm hits the coast",
        ["U+0007 (BEL, a control character)", "U+202E (RIGHT-TO-LEFT OVERRIDE)"],
    )
    assert text_cleaned("Two\nlines", one_line=True) == (
        "Two lines",
        ["U+000A (LF, a control character)"],
    )
    assert text_cleaned("Two\nlines\x00", one_line=False) == (
        "Two\nlines",
        ["U+0000 (NUL, a control character)"],
    )
    assert text_cleaned("Clean", one_line=True) == ("Clean", [])


def test_full_clean_refuses_a_headline_with_a_bell_and_a_summary_with_a_nul(journalist):
    story = factories.story(by=journalist)
    story.headline = "Storm\x07 hits"
    story.summary = "A summary\x00"
    story.dateline_place = "Gaza\u202e"
    with pytest.raises(ValidationError) as refused:
        story.full_clean(exclude=["status"])  # a protected FSM field cannot be set back
    errors = refused.value.message_dict
    assert "U+0007 (BEL, a control character) at position 6" in errors["headline"][0]
    assert "U+0000 (NUL, a control character) at position 10" in errors["summary"][0]
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5" in errors["dateline_place"][0]


@pytest.mark.parametrize(
    ("model", "field", "one_line"),
    [
        (Story, "headline", True),
        (Story, "dateline_place", True),
        (Story, "summary", False),
        (Entity, "name", True),
        (Entity, "description", False),
        (FAQItem, "question", True),
        (FAQItem, "answer", False),
    ],
)
def test_the_fields_people_write_carry_the_rule(model, field, one_line):
    validators = model._meta.get_field(field).validators
    wanted = validate_one_line_text if one_line else validate_multi_line_text
    assert wanted in validators


def test_the_entity_admin_refuses_a_name_with_a_right_to_left_override(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/stories/entity/add/",
        {"name": "Acme\u202e Corp", "slug": "acme", "kind": "organisation", "description": ""},
    )
    assert response.status_code == 200
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5" in response.content.decode()
    assert not Entity.objects.exists()
