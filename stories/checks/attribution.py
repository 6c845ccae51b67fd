"""Attribution: quotes need a speaker or a citation; citations need their quote and page."""

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from stories.checks.languages import language_rules, story_language
from stories.checks.passages import citation_label, excerpt
from stories.checks.registry import ERROR, WARNING, Finding, check_run, register
from stories.models import Story

# A quotation in any of the marks the checks know: “…”, "…", „…“, »…«, «…».
DIRECT_QUOTE = re.compile(r"“([^”“„]+)”|\"([^\"]+)\"|„([^“”„]+)[“”]|»([^«»]+)«|«([^«»]+)»")
# A speaker next to the quotation, with a verb the lists may not know: after it ("…," Name
# Surname snaps / "…," the minister concluded / „…“, sagte er), or before it (She concluded:
# "…" / Name, 41, shared: "…"). Verbs are recognised by their past or present ending.
VERB_ENDINGS = {"en": r"[a-z]+(?:ed|s)", "de": r"[a-zäöüß]+(?:te|ten|t|e)"}
SUBJECTS = {
    "en": r"(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+|he|she|they|we|I|the (?:\w+\s+){0,2}\w+",
    "de": r"(?:[A-ZÄÖÜ][\w.'’-]*\s+){0,3}[A-ZÄÖÜ][\w'’-]+|er|sie|es|man",
}
SPEAKER_AFTER = {
    language: re.compile(
        rf"^[,.!?;:]?\s*[—–-]?\s*(?:(?:{SUBJECTS[language]})\s+(?:{verb}|has {verb}|had \w+)"
        rf"|{verb}\s+(?:{SUBJECTS[language]})\b)"
    )
    for language, verb in VERB_ENDINGS.items()
}
SPEAKER_BEFORE = {
    language: re.compile(rf"\b{verb}\s*(?:[:,]|\bthat|\bdass)\s*$")
    for language, verb in VERB_ENDINGS.items()
}
SENTENCE_START = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ“\"„])")
# Someone in a sentence: a capitalised word that is not just its opening word, or a pronoun.
SOMEONE = re.compile(r"[A-ZÄÖÜ][\w'’-]+|\b(?:he|she|they|we|I|er|sie|wir|ich)\b")
OPENERS = {
    "the", "a", "an", "but", "and", "in", "on", "at", "as", "so", "then", "when", "while",
    "this", "that", "it", "there", "der", "die", "das", "und", "aber", "doch", "es", "ein", "eine",
}  # fmt: skip


def names_someone(sentence: str) -> bool:
    return any(m.group().lower() not in OPENERS for m in SOMEONE.finditer(sentence))


# An interview laid out as questions and answers: "Q:", "Frage:", "Name:" at a paragraph start.
QA_LINE = re.compile(
    r"^\s*(?:\*\*)?(?:Q|A|Question|Answer|Frage|Antwort|F|[A-Z][\w.'’ -]{1,30}):", re.M
)
# A quotation needs a speaker when it is a statement: several words that read as a sentence.
QUOTE_MIN_WORDS = 5


def quotes_in(paragraph: str) -> list[re.Match]:
    return list(DIRECT_QUOTE.finditer(paragraph))


def quote_text(match: re.Match) -> str:
    return next(g for g in match.groups() if g is not None)


def needs_speaker(quote: str) -> bool:
    """A statement, not a title, a term or a scare quote: five words or more, and either a
    sentence (ends with its punctuation) or more than a short phrase."""
    words = quote.split()
    if len(words) < QUOTE_MIN_WORDS:
        return False
    stripped = quote.rstrip()
    if stripped.endswith((".", "!", "?", ",", "…", ":", ";")):
        return True
    # A short phrase in title case is a title ("The Lord of the Rings"), not a statement.
    capitalised = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 10 and capitalised < len(words) * 0.6


def is_interview(text: str) -> bool:
    """An interview: three paragraphs or more that start with "Q:" / "A:" / a speaker's name
    and a colon, or that are unquoted questions (the interviewer's, answered in quotes)."""
    if len(QA_LINE.findall(text)) >= 3:
        return True
    questions = [
        p for p in re.split(r"\n\s*\n", text) if p.rstrip().endswith("?") and not quotes_in(p)
    ]
    return len(questions) >= 3


def attributed_around(paragraph: str, match: re.Match, language: str) -> bool:
    """A speaker named next to the quotation, with a verb the cue list may not know."""
    language = language if language in VERB_ENDINGS else "en"
    after = paragraph[match.end() : match.end() + 80]
    before = paragraph[max(0, match.start() - 80) : match.start()]
    if SPEAKER_AFTER[language].search(after) or SPEAKER_BEFORE[language].search(before):
        return True
    sentence = SENTENCE_START.split(paragraph[: match.start()])[-1]
    # Introduced by someone and a colon ("Zibulka picks up the story: “…”"), or a fragment
    # woven into a sentence about someone ("Brown compared the tactics to “mafia methods…”").
    introduced = sentence.rstrip().endswith(":")
    fragment = quote_text(match)[:1].islower() and bool(sentence.strip())
    return (introduced or fragment) and names_someone(sentence)


@register("attribution")
def attribution(story: Story) -> Iterable[Finding]:
    """Quotes need a speaker or a citation; citations need their quote and their page."""
    citations = list(story.citations.all())
    speakers = [c.speaker.casefold() for c in citations if c.speaker.strip()]
    cited_quotes = [c.quote for c in citations if c.quote.strip()]
    language = story_language(story)
    cue = language_rules(language).attribution
    for passage in check_run(story).passages:
        if not passage.is_body or is_interview(passage.text):
            continue
        # A quotation runs on until it closes: a paragraph that continues the quotation of the
        # one before (or quotes again right after an attributed one) has the same speaker.
        previous_attributed = earlier_attributed = introduced_before = False
        paragraphs = re.split(r"\n\s*\n", passage.text)
        for index, paragraph in enumerate(paragraphs):
            matches = quotes_in(paragraph)
            following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
            # A quote paragraph near paragraphs that name the speaker: one of the two before
            # ("Schmidt, a teacher, said the school had called.") or the one after.
            attributed = paragraph.lstrip()[:1] in '“"„»«' and (
                previous_attributed
                or bool(cue.search(DIRECT_QUOTE.sub(" ", following)))
                or introduced_before
            )
            paragraph_attributed = bool(cue.search(DIRECT_QUOTE.sub(" ", paragraph))) or any(
                attributed_around(paragraph, m, language) for m in matches
            )
            for match in matches:
                quote = quote_text(match)
                if not needs_speaker(quote) or attributed or paragraph_attributed:
                    continue
                if any(s in paragraph.casefold() for s in speakers):
                    continue
                if any(fuzz.partial_ratio(quote, c) >= 90 for c in cited_quotes):
                    continue
                yield Finding(
                    WARNING,
                    "unattributed-quote",
                    f"The quote “{excerpt(quote)}” in {passage.label} has no speaker or "
                    "citation: say who said it, or add a citation with the quote.",
                    passage.target,
                )
            # The next two paragraphs may quote the speaker this one named.
            previous_attributed = paragraph_attributed or attributed or earlier_attributed
            earlier_attributed = paragraph_attributed or attributed
            introduced_before = paragraph.rstrip().endswith(":")
    for number, citation in enumerate(citations, start=1):
        label = citation_label(citation, number)
        if citation.quote_check == "not_found":
            yield Finding(
                ERROR,
                "quote-not-found",
                f"The quote in {label} was not found in the cited page: correct it to the "
                "source's exact words, or remove it.",
                f"citation:{citation.pk}",
            )
        if citation.link_status == "gone" and not getattr(citation, "latest_snapshot_id", None):
            yield Finding(
                WARNING,
                "link-gone",
                f"The link of {label} is gone and there is no archived copy: link an archived "
                "copy or another source.",
                f"citation:{citation.pk}",
            )
