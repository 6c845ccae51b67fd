import pytest

from stories.checks import story_errors, story_findings
from stories.models import FAQItem
from tests import factories

pytestmark = pytest.mark.django_db


def with_questions(*questions, **story_fields):
    story = factories.story(citations=2, **story_fields)
    FAQItem.objects.bulk_create(
        FAQItem(story=story, question=q, answer="An answer.", order=i)
        for i, q in enumerate(questions)
    )
    return story


def faq_findings(story):
    return [f for f in story_findings(story) if f.code.startswith("faq-")]


def test_a_question_asked_twice_word_for_word_blocks_submission():
    story = with_questions(
        "What does the levy pay for?", "Who collects it?", "what does the LEVY pay for"
    )
    errors = [f for f in story_errors(story) if f.code == "faq-duplicate"]
    assert len(errors) == 1
    third = FAQItem.objects.get(story=story, order=2)
    assert errors[0].target == f"faq:{third.pk}"
    assert "repeats FAQ item 1 word for word" in errors[0].message


def test_near_duplicate_questions_are_flagged_as_a_warning():
    story = with_questions(
        "Why is North Korea testing missiles now?",
        "Why Is North Korea Testing Ballistic Missiles Now?",
    )
    [finding] = faq_findings(story)
    assert (finding.severity, finding.code) == ("warning", "faq-near-duplicate")
    assert "asks nearly the same as FAQ item 1" in finding.message


def test_questions_that_differ_in_what_they_ask_are_not_flagged():
    story = with_questions(
        "What is the capital of France?",
        "What is the capital of Spain?",
        "How many people live in Paris?",
        "How many people live in Lyon?",
        "When does the flood barrier close?",
        "When will the flood barrier open again?",
    )
    assert faq_findings(story) == []


def test_a_question_another_published_story_answers_is_pointed_out():
    published = factories.story(
        headline="Tram fares rise in April", slug="tram-fares-rise", published=True
    )
    FAQItem.objects.create(
        story=published, question="How much will a tram ticket cost?", answer="."
    )
    story = with_questions("How much will a single tram ticket cost?")
    [finding] = faq_findings(story)
    assert finding.code == "faq-answered-elsewhere"
    assert "“Tram fares rise in April” (/stories/tram-fares-rise/)" in finding.message


def test_questions_in_unpublished_stories_do_not_count_as_answered():
    draft = factories.story(headline="Draft about trams")
    FAQItem.objects.create(story=draft, question="How much will a tram ticket cost?", answer=".")
    story = with_questions("How much will a tram ticket cost?")
    assert faq_findings(story) == []


def test_answered_elsewhere_is_not_run_on_every_save():
    old = factories.story(headline="Old piece", published=True)
    FAQItem.objects.create(story=old, question="Why did the bridge close?", answer=".")
    story = with_questions("Why did the bridge close?")
    assert [
        f.code for f in story_findings(story, cheap_only=True) if f.code.startswith("faq")
    ] == []
    assert [f.code for f in story_findings(story) if f.code.startswith("faq")] == [
        "faq-answered-elsewhere"
    ]
