"""The text reader on our own texts (tests/fixtures/import/) and on small cases."""

import datetime as dt
from pathlib import Path

import pytest

from sources.models import Outlet
from stories.importing import card_kind, card_name, story_text_parse
from stories.models import Entity

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
TODAY = dt.date(2026, 11, 22)


def parse(text, template, **kwargs):
    return story_text_parse(text=text, template=template, today=TODAY, **kwargs)


def test_markdown_explainer_fills_every_part(explainer_template):
    draft = parse((FIXTURES / "harbour_barrier_explainer.md").read_text(), explainer_template)
    assert draft.problems == []
    assert draft.headline == "Harbour barrier closes for the first time as storm surge nears"
    assert draft.summary.startswith("The city's new flood barrier swung shut")
    found_as = {s.key: s.found_as for s in draft.sections}
    assert found_as == {
        "whats-happened": "What happened",
        "behind-the-headline": "Why it matters",
        "forecast": "Forecast and implications",
        "papers": "What the papers say",
        "how-we-got-here": "Background",
        "go-deeper": "Go deeper",
        "common-questions": "FAQ",
        "more-on-these-topics": "Key players",
    }
    behind = draft.section("behind-the-headline")
    assert behind.body.startswith("### A test the city waited six years for\n\nThe barrier cost")
    assert "- **Engineering:** the two gates closed in 38 minutes" in behind.body
    assert behind.bullets == 3
    assert draft.section("go-deeper").body == (
        "- How long can the barrier stay closed?\n- Who pays when shipping is held up?"
    )


def test_attributions_become_citations_with_outlet_date_claim_and_link(explainer_template):
    Outlet.objects.create(name="Coastal Weekly", domain="coastal-weekly.example")
    draft = parse((FIXTURES / "harbour_barrier_explainer.md").read_text(), explainer_template)
    courier, weekly, broadcaster = draft.citations
    assert (courier.outlet_name, courier.published_on) == (
        "Eastmouth Courier",
        dt.date(2026, 2, 15),
    )
    assert courier.claim == (
        'The Eastmouth Courier says the closure went "exactly as rehearsed" and that pumps in '
        "the old town were never needed."
    )
    assert courier.quote == "exactly as rehearsed"
    assert courier.outlet_id is None
    assert weekly.url == "https://coastal-weekly.example/barrier-shipping"
    assert weekly.outlet_id == Outlet.objects.get(name="Coastal Weekly").pk
    assert broadcaster.outlet_name == "NBC"
    assert {c.section_key for c in draft.citations} == {"papers"}
    # The sentence without an attribution stays as the section's text.
    assert draft.section("papers").body == "Not every paper was convinced."


def test_faq_in_q_a_and_bold_question_styles(explainer_template):
    draft = parse((FIXTURES / "harbour_barrier_explainer.md").read_text(), explainer_template)
    assert [item.question for item in draft.faq_items] == [
        "When does the barrier close?",
        "How much did the barrier cost?",
        "When Does the Barrier Close?",
        "Who decides to close the barrier gates?",
        "Who decides when to close the barrier?",
    ]
    assert draft.faq_items[0].answer == (
        "When the forecast surge is more than 1.5 metres above the normal high tide."
    )
    assert draft.faq_items[1].answer == "About 410 million euros, a third more than planned."


def test_entity_cards_give_name_kind_aliases_and_match_known_entities(explainer_template):
    known = Entity.objects.create(
        name="Harbour Authority of Eastmouth",
        slug="hae",
        aliases="Eastmouth Harbour Authority",
        reviewed_at=dt.date(2026, 1, 1),
    )
    draft = parse((FIXTURES / "harbour_barrier_explainer.md").read_text(), explainer_template)
    authority, quell, barrier = draft.entities
    assert (authority.entity_id, authority.matched_name) == (known.pk, known.name)
    assert (quell.name, quell.kind, quell.entity_id) == ("Marta Quell", "person", None)
    assert (barrier.name, barrier.aliases) == (
        "Eastmouth Barrier",
        ["Eastmouth Storm Surge Barrier"],
    )
    assert "**" not in authority.description


def test_unmatched_heading_and_its_text_are_kept_in_the_nearest_section_and_reported(
    explainer_template,
):
    draft = parse((FIXTURES / "harbour_barrier_explainer.md").read_text(), explainer_template)
    more = draft.section("more-on-these-topics")
    assert more.body == ("### Notes from the desk\n\nThe photographs are by the harbour authority.")
    assert (
        "“Notes from the desk” is not a section of the explainer: kept as a sub-heading in "
        "“More on these topics”." in draft.notes
    )


def test_plain_text_news_report_with_dateline_and_inline_attribution(news_report_template):
    draft = parse((FIXTURES / "ferry_strike_report.txt").read_text(), news_report_template)
    assert draft.headline == "Ferry Crews Walk Out as Talks on Night Shifts Collapse"
    assert (draft.dateline_place, draft.dateline_date) == (
        "Portmere, Westland",
        dt.date(2026, 3, 9),
    )
    body = draft.section("body").body
    assert body.startswith("Ferry crews on the Portmere crossings stopped work at dawn")
    assert body.count("\n\n") == 5  # one paragraph a line, as written
    [citation] = draft.citations
    assert (citation.outlet_name, citation.published_on) == ("Portmere Post", dt.date(2026, 3, 8))
    assert citation.section_key == "sources"
    assert "(Portmere Post, Mar 8)" in body  # the text keeps its attribution
    assert "The text has no section headings: all of it went into “Body”." in draft.notes


@pytest.mark.parametrize(
    ("written", "reference_line", "expected"),
    [
        ("Nov 8", "On November 7, 2025, it began.", dt.date(2025, 11, 8)),
        ("Dec 30", "On January 2, 2026, it began.", dt.date(2025, 12, 30)),
        ("Dec 30", "It began.", dt.date(2025, 12, 30)),  # today is 22 Nov 2026: never future
        ("Oct 22", "It began.", dt.date(2026, 10, 22)),
        ("3 March 2024", "It began.", dt.date(2024, 3, 3)),
        ("Sept. 9", "It began.", dt.date(2026, 9, 9)),
    ],
)
def test_dates_without_a_year_are_never_in_the_future(
    explainer_template, written, reference_line, expected
):
    text = f"What's happened\n{reference_line}\nWhat the papers say\nIt rained (Daily Star, {written})."
    [citation] = parse(text, explainer_template).citations
    assert citation.published_on == expected


def test_outlet_initials_match_a_known_outlet(explainer_template):
    scmp = Outlet.objects.create(name="South China Morning Post", domain="scmp.com")
    text = "What the papers say\nThe Post analyses the launch (SCMP, Oct 22)."
    [citation] = parse(text, explainer_template).citations
    assert (citation.outlet_id, citation.outlet_name) == (scmp.pk, "South China Morning Post")


def test_heading_aliases_case_and_punctuation_are_ignored(explainer_template):
    text = (
        "WHAT'S HAPPENED:\nA thing happened.\n"
        "common question\n-\nIs it over?\nYes.\n"
        "## More on these topics ##\nAda Byron is a mathematician."
    )
    draft = parse(text, explainer_template, headline="Given headline")
    assert draft.headline == "Given headline"
    assert draft.section("whats-happened").body == "A thing happened."
    assert [(i.question, i.answer) for i in draft.faq_items] == [("Is it over?", "Yes.")]
    assert [(e.name, e.kind) for e in draft.entities] == [("Ada Byron", "other")]


def test_a_heading_written_twice_keeps_both_parts(explainer_template):
    text = "What's happened\nFirst part.\nGo deeper\n- A?\nWhat's happened\nSecond part."
    draft = parse(text, explainer_template, headline="H")
    assert draft.section("whats-happened").body == "First part.\n\nSecond part."
    assert any("appears twice" in note for note in draft.notes)


def test_text_without_a_headline_gets_a_working_one_and_a_note(explainer_template):
    text = "What's happened\nThe dam held. Engineers were relieved.\n"
    draft = parse(text, explainer_template)
    assert draft.headline == "The dam held"
    assert any("no headline" in note for note in draft.notes)


def test_bad_input_is_refused_with_what_to_fix(explainer_template):
    assert parse("   \n", explainer_template).problems == [
        "The text is empty: paste the story or choose a file."
    ]
    huge = parse("What's happened\n" + "word " * 70_000, explainer_template)
    assert "the import takes at most 300,000" in huge.problems[0]


def test_nameless_entity_card_is_kept_as_text_and_reported(explainer_template):
    text = "More on these topics\n- a list of things without a name\n- Ada Byron is a writer."
    draft = parse(text, explainer_template, headline="H")
    assert [e.name for e in draft.entities] == ["Ada Byron"]
    assert "a list of things without a name" in draft.section("more-on-these-topics").body
    assert any("Could not tell whose card" in note for note in draft.notes)


@pytest.mark.parametrize(
    ("card", "name", "kind"),
    [
        ("North Korea, officially the DPRK, is a country in East Asia.", "North Korea", "country"),
        (
            "Peter Brian Hegseth (born June 6, 1980) is an American official.",
            "Peter Brian Hegseth",
            "person",
        ),
        (
            "Gyeongju (Korean: 경주), historically known as Seorabeol, is a coastal city.",
            "Gyeongju",
            "place",
        ),
        ("The Tidal Council is an agency of the port.", "Tidal Council", "organisation"),
        ("The Harbour Regatta is a festival held each June.", "Harbour Regatta", "event"),
        ("the quiet years were hard.", None, None),
    ],
)
def test_card_names_and_kinds(card, name, kind):
    assert card_name(card) == name
    if name:
        assert card_kind(card) == kind


def test_a_long_first_sentence_is_cut_at_a_clause_for_the_working_headline(explainer_template):
    text = (
        "What's happened\nOn November 7, 2025, North Korea launched a short-range ballistic "
        "missile into the sea off its east coast, escalating tensions amid drills and sanctions.\n"
    )
    assert parse(text, explainer_template).headline == (
        "On November 7, 2025, North Korea launched a short-range ballistic missile into the sea "
        "off its east coast"
    )
