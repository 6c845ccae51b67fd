"""Issue 19: checks that read real copy quietly, per language. One invented sentence per rule."""

import pytest

from stories.checks import story_findings
from stories.models import DictionaryWord
from tests import factories

pytestmark = pytest.mark.django_db


def story_saying(body, *, language="en", **fields):
    fields.setdefault("headline", "Harbour" if language == "en" else "Hafen")
    fields.setdefault("summary", "")
    story = factories.story(
        template="news-report", language=language, fill_sections=False, **fields
    )
    section = story.sections.get(key="body")
    section.body = body
    section.save()
    return story


def codes(story, code):
    return [f for f in story_findings(story) if f.code == code]


def unknown(body, language="en"):
    return sorted(f.subject for f in codes(story_saying(body, language=language), "unknown-word"))


# --- unknown-word ---


@pytest.mark.parametrize(
    "body",
    [
        "The app sends crypto alerts to your inbox as bitcoin slides and a selfie goes viral.",
        "The rollout of renewables and tech jobs continued.",
        "Organisers praised the calibre of neighbourhoods, said the co-ordinator of maths.",
        "The pre-war plan had in-app payments and a non-escalatory tone.",
        "The status quo is a de facto ban, the chargé d'affaires said.",
        "Follow @portmere_news and #harbourvote, or read portmere.co.uk for more.",
    ],
)
def test_common_modern_british_hyphenated_and_foreign_words_are_known(body):
    assert unknown(body) == []


def test_a_word_after_an_abbreviation_or_an_initial_is_a_name():
    assert unknown("Ohio State vs. Zarnowie was close, said Roger M. Quillfeather.") == []


def test_a_capitalised_word_opening_a_sentence_before_another_is_a_name():
    assert unknown("The vote was close. Zindra Okonkwe voted no.") == []


def test_a_real_typo_is_still_flagged():
    assert unknown("The govenrment said the ferry woudl sail.") == ["govenrment", "woudl"]


def test_a_common_misspelling_near_a_frequent_word_is_flagged():
    assert unknown("The council recieved the plans.") == ["recieved"]


def test_german_words_with_sharp_s_are_looked_up_as_written():
    assert unknown("Das heißt, die Straße bleibt gesperrt, sagte sie.", language="de") == []


def test_german_inflections_and_separable_verbs_are_known():
    body = "Die peruanische Delegation wollte wegzukommen, als der Mast umfiel."
    assert unknown(body, language="de") == []


def test_a_german_typo_is_flagged():
    assert unknown("Die Regierung hat das Gesetz beschlosen.", language="de") == ["beschlosen"]


def test_a_german_story_is_not_checked_against_english():
    assert unknown("Die Regierung will die Steuern senken, sagte er.", language="de") == []


def test_the_dictionary_word_of_another_language_does_not_count():
    DictionaryWord.objects.create(word="flexirota", language="de")
    assert unknown("The flexirota starts in May.") == ["flexirota"]
    assert unknown("Die flexirota beginnt im Mai.", language="de") == []
    DictionaryWord.objects.create(word="flexirota", language="")
    assert unknown("The flexirota starts in May.") == []


def test_the_finding_names_the_dictionary_of_the_storys_language():
    [finding] = codes(story_saying("Die Regierung hat beschlosen.", language="de"), "unknown-word")
    assert "German dictionary" in finding.message


# --- unattributed-quote ---


def quotes(body, language="en"):
    return codes(story_saying(body, language=language), "unattributed-quote")


def test_a_quote_continuing_from_an_attributed_paragraph_needs_no_speaker():
    body = (
        "“We will reopen the harbour on Monday,” the mayor said.\n\n"
        "“Crews have worked through the night to make the gates safe again.”"
    )
    assert quotes(body) == []


def test_an_interview_laid_out_as_questions_and_answers_needs_no_speakers():
    body = (
        "Q: Why did the gates close?\n\nA: “The surge was higher than any model had shown us.”\n\n"
        "Q: Will it happen again?\n\nA: “Every winter from now on, we expect, and more often.”"
    )
    assert quotes(body) == []


def test_scare_quotes_and_titles_need_no_speaker():
    body = "The so-called “harbour tax” returns. She read “The Lord of the Rings Again” twice."
    assert quotes(body) == []


@pytest.mark.parametrize("verb", ["shared", "snaps", "concluded", "confirmed", "had written"])
def test_attribution_verbs_the_list_did_not_know(verb):
    assert quotes(f"“The gates held through the worst night of the year,” Ada Brun {verb}.") == []


def test_a_quote_name_said_quote_pairing_is_attributed():
    body = '"The gates held all night long," Brun said. "We are proud of the crews today."'
    assert quotes(body) == []


def test_a_german_quote_with_sagte_is_attributed():
    assert quotes("„Die Tore haben die ganze Nacht gehalten“, sagte Brun.", language="de") == []


def test_a_lone_statement_in_quotes_is_still_flagged():
    body = "The harbour reopened.\n\n“The gates held through the worst night of the year.”"
    assert len(quotes(body)) == 1


# --- unbalanced-quotes ---


def balance(body, language="en"):
    return codes(story_saying(body, language=language), "unbalanced-quotes")


def test_a_straight_quote_running_over_paragraphs_is_balanced():
    body = '"The gates held.\n\n"The crews stayed all night," she said.'
    assert balance(body) == []


def test_inch_marks_are_not_quotes():
    assert balance("The keeper is 6'2\" tall and the pipe is 12″ wide.") == []


def test_german_quotes_are_balanced():
    assert balance("„Die Tore hielten“, sagte sie. »Wir sind stolz«, fügte er hinzu.", "de") == []


def test_an_open_german_quote_is_flagged():
    assert len(balance("„Die Tore hielten, sagte sie.", language="de")) == 1


# --- doubled-word ---


def doubled(body, language="en"):
    return [f.message for f in codes(story_saying(body, language=language), "doubled-word")]


def test_german_die_die_after_a_comma_is_grammar():
    assert doubled("Die Leute, die die Stadt kennen, bleiben.", language="de") == []


def test_german_die_die_elsewhere_is_doubled():
    assert len(doubled("Er sah die die Stadt.", language="de")) == 1


def test_an_english_doubled_word_is_flagged_and_a_name_is_not():
    assert len(doubled("The the crews left.")) == 1
    assert doubled("They drove to Bela Bela on Friday.") == []


# --- page-furniture ---


@pytest.mark.parametrize(
    "line",
    [
        "Opens new tab",
        "Most read in Football",
        "Sign up",
        "Advertisement",
        "Photo: AFP",
        "Get daily National news",
        "READ MORE: Council votes to close the old pier",
    ],
)
def test_page_furniture_lines_are_quoted_in_a_warning(line):
    story = story_saying(f"The gates held.\n\n{line}\n\nCrews stayed.")
    [finding] = codes(story, "page-furniture")
    assert finding.severity == "warning"
    assert line in finding.message


def test_german_page_furniture_is_found_in_german_copy():
    story = story_saying("Die Tore hielten.\n\nMehr zum Thema\n\nFoto: dpa", language="de")
    assert len(codes(story, "page-furniture")) == 2


def test_a_sentence_mentioning_a_photo_is_not_furniture():
    assert codes(story_saying("The photo: a gate, held shut by crews all night."), "x") == []
    story = story_saying("Read more about the gates in the council's report, she said.")
    assert codes(story, "page-furniture") == []


# --- the dictionary button ---


def test_add_to_dictionary_opens_the_form_with_the_storys_language(client, superuser):
    client.force_login(superuser)
    story = story_saying("Die Regierung hat beschlosen.", language="de-CH")
    url = f"/admin/desk/stories/{story.pk}/dictionary/add/?word=beschlosen"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == (
        "/admin/stories/dictionaryword/add/?word=beschlosen&language=de"
    )


def test_add_to_dictionary_needs_the_permission_and_a_word(client, journalist, superuser):
    story = story_saying("Text.")
    client.force_login(journalist)
    url = f"/admin/desk/stories/{story.pk}/dictionary/add/"
    assert client.get(url + "?word=x").status_code in (302, 403)
    client.force_login(superuser)
    assert client.get(url).status_code == 400


# --- entity mentions, attribution rules added after measuring ---


def test_an_alias_inside_a_longer_name_is_not_a_mention():
    from stories.models import Entity

    Entity.objects.create(name="United States", slug="us", kind="place", aliases="America")
    assert codes(story_saying("Trade with Latin America grew."), "entity-not-linked") == []
    assert len(codes(story_saying("Trade with America grew."), "entity-not-linked")) == 1
    assert len(codes(story_saying("In America, trade grew."), "entity-not-linked")) == 1


def test_a_quote_introduced_by_someone_and_a_colon_is_attributed():
    assert (
        quotes("Zibulka picks up the story: “All of a sudden the door opens and he walks out.”")
        == []
    )


def test_a_quote_after_a_paragraph_ending_in_a_colon_is_attributed():
    body = "The minister would only say this:\n\n“Ask them to submit a formal complaint to us.”"
    assert quotes(body) == []


def test_a_fragment_woven_into_a_sentence_about_someone_is_attributed():
    body = 'Ada Brun compared the tactics to "mafia methods, when criminals infiltrate the state".'
    assert quotes(body) == []


def test_mixed_quote_styles_and_a_paragraph_broken_in_two_are_balanced():
    assert balance('“They will be paid for it,” he said. “We sell oil now."') == []
    assert (
        balance(
            "“The session confirmed the protocols as weather conditions\n\ndeteriorate,” he said."
        )
        == []
    )


def test_an_escaped_tag_in_plain_text_is_not_glued_words():
    story = story_saying("The page had &lt;iframe src=x&gt; in it.")
    assert codes(story, "missing-space") == [] and codes(story, "unknown-word") == []
