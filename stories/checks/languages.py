"""What the checks know per language: quotation marks, attribution verbs, doubled words that are
grammar, abbreviations that do not end a sentence, and page furniture.

A story's language is its `language` field (a BCP 47 tag such as `de-CH`); the checks read its
primary subtag. A language not listed here gets the English rules for punctuation and nothing
language-specific (no spelling check, see `spelling.SPELLING_LANGUAGES`).
"""

import re
from dataclasses import dataclass

from stories.models import Story


def story_language(story: Story) -> str:
    """The primary subtag of the story's language, lower-case: "de" for "de-CH"."""
    return (story.language or "en").split("-")[0].split("_")[0].lower()


@dataclass(frozen=True)
class LanguageRules:
    """One language's rules for the quote, attribution and doubled-word checks."""

    # (opening, closing) quotation marks in the order they are looked for.
    quote_pairs: tuple[tuple[str, str], ...]
    # Words (and phrases) that say who is speaking, outside the quotation.
    attribution: re.Pattern
    # Doubled words that can be grammar, each with what must come before it to be accepted
    # (a pattern on the text before the pair; None: always accepted).
    doubling_allowed: dict[str, re.Pattern | None]
    # Abbreviations after which a full stop does not end the sentence (lower-case, no dot).
    abbreviations: frozenset[str]
    # Lines that are the web page around an article, not the article.
    furniture: re.Pattern


def _words(text: str) -> str:
    return "|".join(sorted(text.split(), key=len, reverse=True))


ENGLISH_VERBS = _words(
    """said says say saying stated states stating told tells telling tweeted tweets wrote writes
    writing written posted posts added adds adding warned warns warning announced announces
    emphasised emphasized emphasises emphasizes condemned condemns called calls calling
    described describes describing insisted insists vowed vows declared declares claimed claims
    noted notes reported reports asked asks replied replies urged urges accused accuses quoted
    quoting explained explains argued argues acknowledged acknowledges admitted admits recalled
    recalls statement interview spokesman spokeswoman spokesperson shared shares snapped snaps
    concluded concludes continued continues confirmed confirms reads remarked remarks
    observed observes suggested suggests predicted predicts promised promises pledged pledges
    stressed stresses cautioned cautions responded responds answered answers commented comments
    mused muses joked jokes laughed sighed shouted yelled whispered cried screamed exclaimed
    agreed agrees disagreed conceded concedes countered counters complained complains lamented
    laments boasted boasts recounted recounts revealed reveals testified testifies texted
    messaged emailed e-mailed wondered wonders asserted asserts alleged alleges charged
    maintained maintains hinted hints mentioned mentions indicated indicates quipped quips told according interviewed telling tells speaking spoke speaks adding
    describing saying insisting warning noting arguing explaining recalling acknowledging
    admitting urging announcing"""
)
GERMAN_VERBS = _words(
    """sagte sagt sagten sagen gesagt sagend erklärte erklärt erklärten betonte betont betonten
    meinte meint meinten schrieb schreibt schrieben geschrieben teilte teilt mitgeteilt
    hieß heißt hiess heisst warnte warnt forderte fordert kritisierte kritisiert fragte fragt
    antwortete antwortet ergänzte ergänzt fügte fügt räumte räumt sprach spricht berichtete
    berichtet berichten erzählte erzählt erzählen verkündete verkündet kündigte kündigt
    versprach verspricht bekräftigte bekräftigt unterstrich unterstreicht stellte stellt
    zitiert zitierte twitterte postete kommentierte kommentiert bestätigte bestätigt
    ergänzten erläuterte erläutert resümierte resümiert mahnte mahnt appellierte beklagte
    beklagt lobte lobt rief ruft so laut zufolge zitat interview sprecher sprecherin
    mitteilung angaben äußerte äußert sagt sagte meinte befand befindet glaubt glaubte
    findet fand gab gibt ließ lässt wissen"""
)
FURNITURE_EN = (
    r"opens? (?:in )?(?:a )?new (?:tab|window)|most (?:read|popular|viewed|shared)(?: in .{1,40})?"
    r"|sign up(?: for| to|$)|advertisement|advertising|get (?:the |our )?daily .{1,40} news"
    r"|(?:photo|picture|image|video|graphic)s?\s*(?:credit)?\s*:\s*\S[^.!?]{0,60}"
    r"|read (?:more|next|also)(?:\s*[:|»›–-].{0,120})?|related(?: articles?| stories| coverage)?\s*:.{0,120}"
    r"|also read(?:\s*:.{0,120})?|recommended(?: for you)?|click here.{0,80}|share (?:this|on) .{0,40}"
    r"|follow us(?: on)? .{0,60}|subscribe(?: now| to| today).{0,80}|skip (?:to|past) .{0,40}"
    r"|(?:continue|keep) reading.{0,40}|listen to (?:this|the) (?:article|story).{0,40}"
    r"|copyright \d{4}.{0,80}|all rights reserved.{0,40}|this story has been shared.{0,60}"
)
FURNITURE_DE = (
    r"anzeige|werbung|mehr zum thema.{0,80}|lesen sie (?:auch|mehr).{0,120}|auch interessant.{0,80}"
    r"|(?:foto|bild|fotos|video|grafik)\s*:\s*\S[^.!?]{0,60}|newsletter.{0,80}"
    r"|jetzt (?:abonnieren|anmelden|lesen).{0,80}|meistgelesen.{0,60}|zum artikel.{0,40}"
    r"|öffnet (?:in )?(?:einem )?neuen (?:tab|fenster)|artikel teilen.{0,40}"
)
COMMON_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "st", "lt", "col", "capt", "sgt",
    "jr", "sr", "no", "vs", "v", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "ave", "approx", "dept",
    "est", "fig", "govt", "univ", "rev", "hon", "pres", "supt", "cmdr", "adm", "maj", "messrs",
}  # fmt: skip
GERMAN_ABBREVIATIONS = {
    "bzw", "ca", "dr", "prof", "nr", "str", "vgl", "usw", "z", "b", "d", "h", "u", "a", "s",
    "evtl", "ggf", "inkl", "jh", "mio", "mrd", "abs", "art", "bzgl", "chr", "hl", "st",
}  # fmt: skip
# "die die" is grammar after a comma (relative pronoun, then article), with a preposition between
# or not ("die Stadt, in der der Rat tagt"); "sie sie" after a conjunction ("weil sie sie kennt").
GERMAN_RELATIVE = re.compile(
    r",\s*(?:(?:in|an|auf|mit|von|bei|aus|nach|zu|für|über|unter|vor|durch|gegen|um|seit|"
    r"zwischen|hinter|neben|wegen|trotz|ohne)\s+)?$",
    re.I,
)
GERMAN_CONJUNCTION = re.compile(
    r"\b(?:weil|dass|ob|wenn|als|da|wie|damit|obwohl|nachdem)\s+$", re.I
)

RULES = {
    "en": LanguageRules(
        quote_pairs=(("“", "”"),),
        attribution=re.compile(
            rf"\b(?:{ENGLISH_VERBS}|according to|in a statement|in an interview)\b"
            r"|\([^()]{2,60},\s*[A-Z][a-z]{2,8}\.? \d{1,2}\)",
            re.I,
        ),
        doubling_allowed={w: None for w in ("had", "that", "is", "bye", "no", "very", "so")},
        abbreviations=frozenset(COMMON_ABBREVIATIONS),
        furniture=re.compile(rf"^\W{{0,3}}(?:{FURNITURE_EN})\W{{0,3}}$", re.I),
    ),
    "de": LanguageRules(
        quote_pairs=(("„", "“"), ("»", "«"), ("«", "»"), ("“", "”")),
        attribution=re.compile(
            rf"\b(?:{GERMAN_VERBS}|nach angaben|wie .{{1,40}} mitteilte|teilte .{{1,40}} mit)\b"
            r"|\([^()]{2,60},\s*\d{1,2}\.\s*[A-ZÄÖÜ][a-zäöü]{2,8}\.?\)",
            re.I,
        ),
        doubling_allowed={
            **{w: GERMAN_RELATIVE for w in ("der", "die", "das", "den", "dem", "des")},
            "sie": GERMAN_CONJUNCTION,
            "es": GERMAN_CONJUNCTION,
        },
        abbreviations=frozenset(GERMAN_ABBREVIATIONS | {"jan", "feb", "okt", "dez"}),
        furniture=re.compile(rf"^\W{{0,3}}(?:{FURNITURE_DE}|{FURNITURE_EN})\W{{0,3}}$", re.I),
    ),
}


def language_rules(language: str) -> LanguageRules:
    """The rules for a primary language subtag; English rules for a language we have none for."""
    return RULES.get(language, RULES["en"])
