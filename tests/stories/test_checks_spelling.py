import pytest

from sources.models import Citation, Outlet
from stories.checks import story_findings
from stories.models import DictionaryWord, Entity, FAQItem
from tests import factories

pytestmark = pytest.mark.django_db


def story_saying(body, *, template="news-report", **fields):
    story = factories.story(template=template, **fields)
    section = story.sections.get(key="body" if template == "news-report" else "whats-happened")
    section.body = body
    section.save()
    return story


def findings(story, code):
    return [f for f in story_findings(story) if f.code == code]


def unknown(story):
    return sorted(f.subject for f in findings(story, "unknown-word"))


def test_a_typo_is_flagged_with_a_suggestion_and_where_it_is():
    story = story_saying("Officials said the ferry woudl sail again on Friday.")
    [finding] = findings(story, "unknown-word")
    assert finding.target == "body"
    assert finding.message.startswith("“woudl” in “Body” is not in the dictionary.")
    assert "Did you mean “would”?" in finding.message


def test_typos_in_headline_summary_faq_and_claims_are_found_too():
    story = story_saying(
        "A clean body.", headline="Mayor promisses new bridge", summary="The goverment agrees."
    )
    FAQItem.objects.create(story=story, question="When will it open?", answer="Nobody knwos.")
    Citation.objects.create(story=story, claim="The council recieved the plans.")
    assert unknown(story) == ["goverment", "knwos", "promisses", "recieved"]
    targets = {f.target for f in findings(story, "unknown-word")}
    assert {"headline", "summary"} <= targets
    assert any(t.startswith("faq:") for t in targets)
    assert any(t.startswith("citation:") for t in targets)


def test_names_the_desk_knows_numbers_urls_and_acronyms_are_not_flagged():
    Entity.objects.create(name="Blue Strait Lines", slug="bsl", aliases="Bluestrait")
    Outlet.objects.create(name="Portmere Post")
    DictionaryWord.objects.create(word="dockside")
    story = story_saying(
        "bluestrait crews met at the dockside. portmere readers saw it first. "
        "See https://example.org/reportz or mail desk@examplez.org. "
        "The RMTU said 4,000 people and 12km of queues were affected. "
        "Crews in Qaxrington walked out."
    )
    assert unknown(story) == []


def test_a_word_added_to_the_newsroom_dictionary_stops_being_flagged():
    story = story_saying("The crews' flexirota starts in May.")
    assert unknown(story) == ["flexirota"]
    DictionaryWord.objects.create(word="flexirota", note="House term for rolling shifts")
    assert unknown(story) == []


def test_british_spellings_and_prefixed_words_are_accepted():
    story = story_saying(
        "The defence programme was analysed by the organisation; the colour of the centre's "
        "denuclearisation plan was destabilising, and the cyberattack was unprecedented."
    )
    assert unknown(story) == []


def test_an_unknown_word_at_a_sentence_start_is_checked_but_a_name_the_story_uses_is_not():
    story = story_saying(
        "Teh port reopened. Halvorsen said so. Chief Halvorsen runs it. Ostrava is far. "
        "Ostrava is cold."
    )
    assert unknown(story) == ["Teh"]


def test_stories_in_languages_without_a_dictionary_are_not_spell_checked():
    story = story_saying("Dit is een tekst zonder fouten.", language="ja")
    assert unknown(story) == []


def test_missing_space_after_punctuation_is_flagged_but_numbers_and_urls_are_not():
    story = story_saying(
        "Exercises,known as Freedom Flag,between the allies began.It was loud. "
        "About 3,000 troops and 2.5 million euros; see example.com/page,or www.example.org."
    )
    [finding] = findings(story, "missing-space")
    assert "“exercises,known”" in finding.message.lower()
    assert "“Flag,between”" in finding.message
    assert "“began.It”" in finding.message
    assert "3,000" not in finding.message and "2.5" not in finding.message


def test_a_doubled_word_is_flagged():
    story = story_saying("The mayor staked the the election on it. What it is is clear.")
    [finding] = findings(story, "doubled-word")
    assert finding.message.startswith("“the the” in “Body”")


def test_unbalanced_quotes_are_flagged_per_paragraph():
    story = story_saying(
        "He said “we will not wait, and left.\n\n"
        "She said “we will talk” and stayed.\n\n"
        'A "straight quote left open.'
    )
    messages = [f.message for f in findings(story, "unbalanced-quotes")]
    assert len(messages) == 2
    assert "paragraph starting “He said “we will not wait, and left.”" in messages[0]


def test_a_quotation_running_on_into_the_next_paragraph_is_not_unbalanced():
    story = story_saying("“We waited three years,\n\n“and we will not wait any longer,” she said.")
    assert findings(story, "unbalanced-quotes") == []
