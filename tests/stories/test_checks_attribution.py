import pytest

from sources.models import Citation
from stories.checks import attribution, story_errors, story_findings
from stories.models import Story
from stories.selectors import story_with_parts
from tests import factories

pytestmark = pytest.mark.django_db


def report(body, **fields):
    story = factories.story(template="news-report", **fields)
    section = story.sections.get(key="body")
    section.body = body
    section.save()
    return story


def codes(story, code):
    return [f for f in story_findings(story) if f.code == code]


def test_a_direct_quote_with_nobody_saying_it_is_flagged():
    story = report(
        "Commuters queued from 6am.\n\n"
        "“This is the third time this year and nobody tells us anything.”"
    )
    [finding] = codes(story, "unattributed-quote")
    assert finding.target == "body"
    assert finding.message.startswith("The quote “This is the third time this year")
    assert "say who said it, or add a citation with the quote" in finding.message


@pytest.mark.parametrize(
    "paragraph",
    [
        "“We will not wait any longer,” said Ines Varga, the union leader.",
        "According to the agency, the minister promised “a response without delay”.",
        "The operator wrote on social media that it “remains ready to talk at any hour”.",
        "The claim that it would “end the strike by Friday” (Portmere Post, Mar 8) was denied.",
    ],
)
def test_a_quote_with_a_speaker_or_channel_is_attributed(paragraph):
    assert codes(report(paragraph), "unattributed-quote") == []


def test_short_scare_quotes_are_not_direct_quotes():
    assert (
        codes(report("The so-called “night rate” is at the heart of it."), "unattributed-quote")
        == []
    )


def test_a_quote_matching_a_citation_or_its_speaker_is_attributed():
    story = report(
        "“Our crews deserve a fair night rate, and they will get one.”\n\n"
        "Ines Varga: “we are not moving on this.”"
    )
    Citation.objects.create(
        story=story, claim="The union wants more.", quote="Our crews deserve a fair night rate"
    )
    Citation.objects.create(story=story, claim="Varga is firm.", speaker="Ines Varga")
    assert codes(story, "unattributed-quote") == []


def test_a_quote_the_source_does_not_contain_blocks_submission():
    story = factories.story(citations=2)
    citation = story.citations.first()
    Citation.objects.filter(pk=citation.pk).update(quote="never said this", quote_check="not_found")
    [error] = [f for f in story_errors(story) if f.code == "quote-not-found"]
    assert error.target == f"citation:{citation.pk}"
    assert "was not found in the cited page" in error.message


def test_a_gone_link_without_an_archived_copy_is_flagged_and_with_one_it_is_not():
    story = factories.story(citations=2)
    citation = story.citations.first()
    Citation.objects.filter(pk=citation.pk).update(url="https://gone.example/a", link_status="gone")
    [finding] = codes(story, "link-gone")
    assert finding.severity == "warning"
    assert finding.target == f"citation:{citation.pk}"

    prefetched = story_with_parts(Story.objects.filter(pk=story.pk)).get()
    gone = next(c for c in prefetched.citations.all() if c.pk == citation.pk)
    gone.latest_snapshot_id = 99  # the sources app's archived copy
    assert [f.code for f in attribution(prefetched)] == []
