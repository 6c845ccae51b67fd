"""Editorial checks: the desk's second pair of eyes, as one registry of small functions.

A check takes a story (with its parts prefetched) and yields findings. `error` findings block
submission for review; `warning` findings inform. Admin, workflow services, the review view and
`check_story` all call `story_findings`, so a rule lives here and nowhere else.

A finding's `target` says what it concerns: a section key (`whats-happened`), a story field
(`headline`, `summary`, `dateline`), or a record as `faq:<id>`, `citation:<id>` or `entity:<id>`.

Checks read the story's prefetched parts only. What they need beyond the story (the names the
desk knows, other stories' FAQ questions) is loaded once per run by `CheckRun`, so a run costs
the same few queries for a story with 2 citations or 30.
"""

import datetime as dt
import logging
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet, TextField, Value
from django.utils import timezone
from rapidfuzz import fuzz

from stories.models import SectionKind, Story

log = logging.getLogger(__name__)

ERROR = "error"
WARNING = "warning"
# FAQ questions of other published stories read per run (the newest).
PUBLISHED_QUESTIONS_READ = 5000


@dataclass(frozen=True)
class Finding:
    """One thing to fix (error) or look at (warning), and where."""

    severity: str
    code: str
    message: str
    target: str = "story"
    # What a one-click fix acts on (the unknown word, the entity's id); not part of the output.
    subject: str = field(default="", compare=False, repr=False)

    def as_dict(self) -> dict:
        """The finding for scripts and JSON: severity, code, message and target."""
        data = asdict(self)
        del data["subject"]
        return data


Check = Callable[[Story], Iterable[Finding]]
REGISTRY: list[tuple[str, Check, bool]] = []

# The relations `story_with_parts` prefetches and the checks read.
CHECKED_PARTS = {"sections", "faq_items", "citations", "entity_links"}


def register(name: str, *, cheap: bool = True) -> Callable[[Check], Check]:
    """Add a check to the registry. `cheap` checks also run on every save."""

    def decorator(check: Check) -> Check:
        REGISTRY.append((name, check, cheap))
        return check

    return decorator


def story_findings(story: Story, *, cheap_only: bool = False) -> list[Finding]:
    """Run every registered check on a story; errors first, then warnings, in registry order."""
    from stories.selectors import story_with_parts

    prefetched = getattr(story, "_prefetched_objects_cache", {})
    if not CHECKED_PARTS <= prefetched.keys():
        story = story_with_parts(Story.objects.filter(pk=story.pk)).get()
    # A fresh run: names and questions are read once for this run, never reused from a stale one.
    run = story._check_run = CheckRun(story)
    findings = [
        finding
        for _name, check, cheap in REGISTRY
        if cheap or not cheap_only
        for finding in check(story)
    ]
    run.release()
    return sorted(findings, key=lambda f: f.severity != ERROR)


def findings_summary(findings: list[Finding]) -> str:
    """One line for a message after a save: "Checklist: 2 to fix, 3 to look at."."""
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if not findings:
        return "Checklist: all checks pass."
    parts = [f"{errors} to fix"] * bool(errors) + [f"{warnings} to look at"] * bool(warnings)
    return f"Checklist: {', '.join(parts)}."


def story_errors(story: Story) -> list[Finding]:
    """The findings that stop a story going to review."""
    return [f for f in story_findings(story) if f.severity == ERROR]


def check_run(story: Story) -> "CheckRun":
    """The run a check belongs to; a check called on its own gets a run of its own."""
    run = getattr(story, "_check_run", None)
    if run is None or run.story is not story:  # e.g. a copy of a story made with copy()
        run = story._check_run = CheckRun(story)
    return run


# --- What the checks read: the story's text and the names the desk knows -------------------


@dataclass(frozen=True)
class Passage:
    """A piece of the story's own words, as plain text, with where it sits."""

    target: str
    label: str
    text: str
    is_body: bool = False


class KnownEntity(NamedTuple):
    """An entity as the mention finder sees it: its id, name and aliases.

    A tuple, not an object with a __dict__: a run holds thousands, and tuples of strings cost
    the garbage collector nothing once it has seen them.
    """

    id: int
    name: str
    slug: str
    aliases: str = ""

    @property
    def names(self) -> list[str]:
        return [self.name] + [a.strip() for a in self.aliases.splitlines() if a.strip()]


@dataclass
class MentionIndex:
    """Entity names by their words, for finding them in a text."""

    # Casefolded word tuple -> [(entity, the name's own words)].
    names: dict[tuple[str, ...], list[tuple[KnownEntity, list[str]]]] = field(default_factory=dict)
    first_words: set[str] = field(default_factory=set)
    longest: int = 1


class DeskNames:
    """Entity names and aliases, outlet names and the newsroom dictionary, read in one query."""

    def __init__(self, rows: Iterable[tuple]):
        self.entities: dict[int, KnownEntity] = {}
        everything = []
        for source, pk, name, aliases, slug in rows:
            everything.append(name)
            everything.append(aliases or "")
            if source == "entity":
                self.entities[pk] = KnownEntity(id=pk, name=name, slug=slug, aliases=aliases or "")
        # One pass over all names at once: thousands of entities cost milliseconds, not more.
        self.words: set[str] = set(name_tokens("\n".join(everything).casefold()))

    def mention_index(self, words: set[str]) -> MentionIndex:
        """The names a text made of `words` (casefolded) could mention, indexed by their words.

        Only names whose first word is among `words` are tokenised: with thousands of entities
        that is the difference between a millisecond and a hundred.
        """
        index = MentionIndex()
        names = [(entity, name) for entity in self.entities.values() for name in entity.names]
        if not names:
            return index
        # The first word of every name in one pass over all of them, one name a line.
        lines = "\n".join(n.replace("\n", " ") for _, n in names)
        firsts = FIRST_WORDS.findall(normalise_quotes(lines).casefold())
        for (entity, name), first in zip(names, firsts, strict=True):
            if first not in words:
                continue
            tokens = name_tokens(name)
            key = tuple(t.casefold() for t in tokens)
            index.names.setdefault(key, []).append((entity, tokens))
            index.first_words.add(key[0])
            index.longest = max(index.longest, len(tokens))
        return index

    @classmethod
    def load(cls) -> "DeskNames":
        from sources.models import Outlet
        from stories.models import DictionaryWord, Entity

        def text(value: str = ""):
            return Value(value, output_field=TextField())

        # One round trip instead of three: this runs on every story admin page.
        rows = (
            Entity.objects.order_by()
            .values_list(text("entity"), "id", "name", "aliases", "slug")
            .union(
                Outlet.objects.order_by().values_list(text("outlet"), "id", "name", text(), text()),
                DictionaryWord.objects.order_by().values_list(
                    text("word"), "id", "word", text(), text()
                ),
                all=True,
            )
        )
        return cls(rows)


class CheckRun:
    """What one run of the checks reads beyond the story, each loaded on first use."""

    def __init__(self, story: Story):
        # Weak, so story and run are no reference cycle: a run is freed with its story at once,
        # not at the garbage collector's next full pass (which made some runs 3x slower).
        self._story = weakref.ref(story)
        self.mentioned: set[int] = set()  # entities the story mentions, linked or not
        self.entity_names: dict[int, str] = {}
        self.today = timezone.localdate()

    @property
    def story(self) -> Story | None:
        return self._story()

    def release(self) -> None:
        """Drop what the run read, keeping the names of the entities it mentioned.

        The story sits in reference cycles of Django's making (a section points back to it), so
        whatever hangs off it waits for a full garbage collection; thousands of entity names
        waiting there made every few runs several times slower.
        """
        names = self.__dict__.get("names")
        if names is not None:
            self.entity_names = {pk: names.entities[pk].name for pk in self.mentioned}
        for cached in ("names", "mentions", "passages", "proper_nouns", "published_questions"):
            self.__dict__.pop(cached, None)

    @cached_property
    def names(self) -> DeskNames:
        return DeskNames.load()

    @cached_property
    def passages(self) -> list[Passage]:
        return story_passages(self.story)

    @cached_property
    def mentions(self) -> MentionIndex:
        words = {t.casefold() for p in self.passages for t in name_tokens(p.text)}
        return self.names.mention_index(words)

    @cached_property
    def proper_nouns(self) -> set[str]:
        """Words the story treats as names, so fine at a sentence start too: capitalised
        mid-sentence, or capitalised more than once (a typo is rarely made twice the same way)."""
        mid_sentence, seen, repeated = set(), set(), set()
        for passage in self.passages:
            for match in WORD.finditer(passage.text):
                token = match.group()
                if not token[0].isupper():
                    continue
                folded = token.casefold()
                if not at_sentence_start(passage.text, match.start()):
                    mid_sentence.add(folded)
                (repeated if folded in seen else seen).add(folded)
        return mid_sentence | repeated

    @cached_property
    def published_questions(self) -> list[tuple[str, str, str]]:
        """(question, headline, slug) of FAQ items in other published stories, newest first.

        Capped at PUBLISHED_QUESTIONS_READ, so the archive's size never slows the checklist.
        """
        from stories.models import FAQItem, StoryStatus

        return list(
            FAQItem.objects.filter(story__status=StoryStatus.PUBLISHED)
            .exclude(story_id=self.story.pk)
            .order_by("-story__published_at", "-id")
            .values_list("question", "story__headline", "story__slug")[:PUBLISHED_QUESTIONS_READ]
        )


def name_tokens(text: str) -> list[str]:
    """The words of a name or a text, apostrophes unified and possessive endings dropped."""
    return NAME_TOKEN.findall(normalise_quotes(text))


FIRST_WORDS = re.compile(r"^[^\w\n]*([^\W_]*)", re.M)
# A possessive "'s" never continues a word: "Korea's" is "Korea", "o'clock" stays whole.
NAME_TOKEN = re.compile(r"[^\W_]+(?:'(?!s\b)[^\W_]+)*")
POSSESSIVE = re.compile(r"'s?$")
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
MARKDOWN_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
URL = re.compile(r"<?(?:https?://|www\.)[^\s<>)\]]+>?|[\w.+-]+@[\w-]+\.[\w.]+")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
LINE_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.M)
EMPHASIS = re.compile(r"(\*\*|__|\*|~~)")


def normalise_quotes(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def markdown_plain(body: str) -> str:
    """A Markdown body as the words a reader sees: no code, URLs, tags or markup characters."""
    text = MARKDOWN_CODE.sub(" ", body)
    text = MARKDOWN_IMAGE.sub(r"\1", text)
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = URL.sub(" ", text)
    text = HTML_TAG.sub(" ", text)
    text = LINE_MARKUP.sub("", text)
    return EMPHASIS.sub("", text)


def story_passages(story: Story) -> list[Passage]:
    """Everything the story says in its own words: headline, summary, sections, FAQ, claims.

    Citation quotes are left out on purpose: they are the source's words, not ours.
    """
    passages = [
        Passage("headline", "the headline", story.headline),
        Passage("summary", "the summary", story.summary),
    ]
    for section in story.sections.all():
        if section.body.strip():
            passages.append(
                Passage(
                    section.key,
                    f"“{section.heading}”",
                    markdown_plain(section.body),
                    is_body=section.kind == SectionKind.TEXT,
                )
            )
    for number, item in enumerate(story.faq_items.all(), start=1):
        text = f"{item.question}\n\n{markdown_plain(item.answer)}"
        passages.append(Passage(f"faq:{item.pk}", f"FAQ item {number}", text))
    for number, citation in enumerate(story.citations.all(), start=1):
        passages.append(
            Passage(f"citation:{citation.pk}", citation_label(citation, number), citation.claim)
        )
    return [p for p in passages if p.text.strip()]


def citation_label(citation, number: int) -> str:
    outlet = citation.outlet.name if citation.outlet_id else "no outlet"
    when = (
        f", {citation.published_on:%b} {citation.published_on.day}" if citation.published_on else ""
    )
    return f"citation {number} ({outlet}{when})"


def at_sentence_start(text: str, index: int) -> bool:
    """Whether the word at `index` opens a sentence, a line or a quotation."""
    i = index - 1
    while i >= 0 and text[i] in " \t“\"‘'([*_":
        i -= 1
    return i < 0 or text[i] in ".!?:;\n…"


def excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# --- Template rules (the workflow's rules, as findings) -------------------------------------


def _section_items(story: Story, section) -> int:
    if section.kind == SectionKind.CITATIONS:
        first = next((s for s in story.sections.all() if s.kind == SectionKind.CITATIONS), None)
        return sum(
            1
            for c in story.citations.all()
            if c.section_id == section.id or (c.section_id is None and section is first)
        )
    if section.kind == SectionKind.FAQ:
        return len(story.faq_items.all())
    if section.kind == SectionKind.ENTITIES:
        return len(story.entity_links.all())
    return 0


@register("template_rules")
def template_rules(story: Story) -> Iterable[Finding]:
    """What the story's template asks for: headline, summary, dateline, required sections, counts."""
    if not story.headline.strip():
        yield Finding(ERROR, "missing-headline", "Add a headline.", "headline")
    if not story.summary.strip():
        yield Finding(
            ERROR, "missing-summary", "Add a summary (the dek under the headline).", "summary"
        )
    if story.template.requires_dateline and not story.has_dateline:
        yield Finding(
            ERROR,
            "missing-dateline",
            f"A {story.template.name.lower()} needs a dateline: fill in its place and date.",
            "dateline",
        )
    for section in story.sections.all():
        items = _section_items(story, section)
        noun = {"citations": "citations", "faq": "FAQ items", "entities": "entities"}.get(
            section.kind
        )
        if section.required and section.kind == SectionKind.TEXT and not section.body.strip():
            yield Finding(
                ERROR, "empty-section", f"“{section.heading}” is required: write it.", section.key
            )
        if section.required and noun and items == 0 and not section.body.strip():
            yield Finding(
                ERROR, "empty-section", f"“{section.heading}” is required: add {noun}.", section.key
            )
        if noun and section.min_items and items < section.min_items:
            yield Finding(
                ERROR,
                "too-few-items",
                f"“{section.heading}” needs at least {section.min_items} {noun}; it has {items}.",
                section.key,
            )
        if noun and section.max_items is not None and items > section.max_items:
            yield Finding(
                ERROR,
                "too-many-items",
                f"“{section.heading}” takes at most {section.max_items} {noun}; it has {items}.",
                section.key,
            )


# --- FAQ: repeated questions ----------------------------------------------------------------

QUESTION_FILLER = {
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "to", "of",
    "in", "on", "at", "for", "by", "with", "and", "or", "it", "its", "this", "that", "these",
    "those", "there", "their", "they", "can", "could", "will", "would", "should", "has", "have",
    "had", "any", "about", "from", "as", "s", "many", "much",
}  # fmt: skip


@lru_cache(maxsize=50_000)
def question_words(question: str) -> frozenset[str]:
    """The words that carry a question's meaning, roughly stemmed ("tests" = "testing")."""
    words = set()
    for token in name_tokens(question.casefold()):
        if token in QUESTION_FILLER:
            continue
        for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("s", "")):
            if (
                token.endswith(suffix)
                and len(token) - len(suffix) >= 4
                and not token.endswith("ss")
            ):
                token = token[: -len(suffix)] + replacement
                break
        words.add(token)
    return frozenset(words)


def question_key(question: str) -> str:
    """A question with case, punctuation and spacing ignored: equal keys are the same question."""
    return " ".join(name_tokens(question.casefold()))


def questions_likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """How alike two questions are, 0 when they are not near-duplicates.

    Near-duplicates share nearly all their meaningful words. Word overlap, not character
    similarity: "the capital of France" and "the capital of Spain" look 88% alike letter by
    letter but ask different things.
    """
    if min(len(a), len(b)) < 3:
        return 0.0
    shared = len(a & b)
    if shared / min(len(a), len(b)) >= 0.8 and shared / max(len(a), len(b)) >= 0.7:
        return shared / max(len(a), len(b))
    return 0.0


@register("faq_duplicates")
def faq_duplicates(story: Story) -> Iterable[Finding]:
    """A question asked twice in one story, word for word (error) or nearly (warning)."""
    seen: list[tuple[int, str, str, frozenset[str]]] = []
    for number, item in enumerate(story.faq_items.all(), start=1):
        key, words = question_key(item.question), question_words(item.question)
        if not key:
            continue
        same = next((s for s in seen if s[1] == key), None)
        if same:
            yield Finding(
                ERROR,
                "faq-duplicate",
                f"FAQ item {number} “{item.question}” repeats FAQ item {same[0]} word for word: "
                "remove one of them.",
                f"faq:{item.pk}",
            )
        else:
            likeness, alike = max(
                ((questions_likeness(s[3], words), s) for s in seen),
                default=(0.0, None),
                key=lambda pair: pair[0],
            )
            if likeness:
                yield Finding(
                    WARNING,
                    "faq-near-duplicate",
                    f"FAQ item {number} “{item.question}” asks nearly the same as FAQ item "
                    f"{alike[0]} “{alike[2]}”: merge them or make them ask different things.",
                    f"faq:{item.pk}",
                )
        seen.append((number, key, item.question, words))


@register("faq_answered_elsewhere", cheap=False)
def faq_answered_elsewhere(story: Story) -> Iterable[Finding]:
    """A question another published story already answers: link to it or ask something new."""
    published = check_run(story).published_questions
    if not published or not story.faq_items.all():
        return
    # An index from word to questions, so each item is compared only with questions sharing one.
    by_word: dict[str, list[int]] = {}
    prepared = []
    for index, (question, headline, slug) in enumerate(published):
        words = question_words(question)
        prepared.append((question_key(question), words, headline, slug))
        for word in words:
            by_word.setdefault(word, []).append(index)
    for number, item in enumerate(story.faq_items.all(), start=1):
        key, words = question_key(item.question), question_words(item.question)
        candidates = sorted({i for word in words for i in by_word.get(word, [])})
        match = next(
            (
                prepared[i]
                for i in candidates
                if prepared[i][0] == key or questions_likeness(prepared[i][1], words)
            ),
            None,
        )
        if match:
            yield Finding(
                WARNING,
                "faq-answered-elsewhere",
                f"FAQ item {number} “{item.question}” is already answered in the published "
                f"story “{match[2]}” (/stories/{match[3]}/): link to it or ask something new.",
                f"faq:{item.pk}",
            )


# --- Spelling and spacing -------------------------------------------------------------------

SPELLING_LANGUAGES = {"en", "es", "fr", "de", "it", "pt", "nl", "ru", "ar", "eu", "fa", "lv"}
# British spellings the (American) English dictionary lacks, as (ending, American ending).
BRITISH_ENDINGS = [
    ("isation", "ization"), ("isations", "izations"), ("ise", "ize"), ("ised", "ized"),
    ("ises", "izes"), ("ising", "izing"), ("yse", "yze"), ("ysed", "yzed"), ("ysing", "yzing"),
    ("our", "or"), ("ours", "ors"), ("oured", "ored"), ("ouring", "oring"), ("ourite", "orite"),
    ("tre", "ter"), ("tres", "ters"), ("ence", "ense"), ("ences", "enses"), ("ogue", "og"),
    ("ogues", "ogs"), ("mme", "m"), ("mmes", "ms"), ("lled", "led"), ("lling", "ling"),
    ("ller", "ler"), ("llers", "lers"),
]  # fmt: skip
DERIVED_ENDINGS = [("ization", "ize"), ("izations", "ize"), ("ation", "ate"), ("ations", "ate")]
PREFIXES = (
    "anti", "counter", "cyber", "de", "inter", "micro", "mid", "multi", "non", "over", "post",
    "pre", "re", "semi", "sub", "super", "trans", "un", "under",
)  # fmt: skip


@lru_cache(maxsize=16)
def speller(language: str):
    """pyspellchecker's offline word list for a language, loaded once per process."""
    from spellchecker import SpellChecker

    return SpellChecker(language=language, distance=1)


@lru_cache(maxsize=100_000)
def word_is_known(word: str, language: str) -> bool:
    """Whether the dictionary knows a lower-case word, British spellings and compounds included."""
    known = speller(language).word_frequency.dictionary
    if word in known:
        return True
    if language != "en":
        return False
    spellings = {word}
    for ending, american in BRITISH_ENDINGS:
        if word.endswith(ending):
            spellings.add(word[: -len(ending)] + american)
    for spelling in list(spellings):
        for ending, base in DERIVED_ENDINGS:
            if spelling.endswith(ending):
                spellings.add(spelling[: -len(ending)] + base)
    if any(s in known for s in spellings):
        return True
    for prefix in PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and word_is_known(rest, language):
            return True
    # Compounds of two real words ("lockdown"); both halves long, so "andthe" is still caught.
    return any(word[:i] in known and word[i:] in known for i in range(4, len(word) - 3))


@lru_cache(maxsize=10_000)
def spelling_suggestion(word: str, language: str) -> str | None:
    """The likeliest word one edit away, or None."""
    suggestion = speller(language).correction(word)
    return suggestion if suggestion and suggestion != word else None


def unknown_words(text: str, *, run: CheckRun, language: str) -> list[str]:
    """Words of `text` the dictionary does not know, skipping what is sensibly a name.

    Skipped: acronyms, capitalised words mid-sentence (proper nouns), names the desk knows,
    words glued to digits ("5km", "G7"), URLs and e-mail addresses (removed earlier).
    """
    found = []
    for match in WORD.finditer(text):
        start, end = match.span()
        if end - start < 3:
            continue
        unknown = unknown_parts(match.group(), language)
        if not unknown:
            continue
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue
        token = unknown[0]
        if token[0].isupper():
            if not at_sentence_start(text, start) or token.casefold() in run.proper_nouns:
                continue
        if all(part in run.names.words for part in unknown[1:]):
            continue
        found.append(token)
    return found


@lru_cache(maxsize=100_000)
def unknown_parts(token: str, language: str) -> tuple[str, ...]:
    """(the word as checked, its parts the dictionary lacks), or () when there is nothing to flag.

    Context-free, so cached: acronyms (DMZ), camel case (iPhone) and, in English, words with
    non-English letters are never flagged; a hyphenated word is checked part by part.
    """
    token = POSSESSIVE.sub("", normalise_quotes(token)).strip("'")
    if len(token) < 3 or (language == "en" and not token.isascii()):
        return ()
    if any(ch.isupper() for ch in token[1:]):
        return ()
    parts = tuple(
        part.casefold()
        for part in token.split("-")
        if len(part) >= 3 and not word_is_known(part.casefold(), language)
    )
    return (token, *parts) if parts else ()


@register("spelling")
def spelling(story: Story) -> Iterable[Finding]:
    """Words the dictionary does not know, minus the names and words the desk knows."""
    language = story.language.split("-")[0].casefold()
    if language not in SPELLING_LANGUAGES:
        return
    run = check_run(story)
    for passage in run.passages:
        reported = set()
        for word in unknown_words(passage.text, run=run, language=language):
            if word.casefold() in reported:
                continue
            reported.add(word.casefold())
            suggestion = spelling_suggestion(word.casefold(), language)
            hint = f" Did you mean “{suggestion}”?" if suggestion else ""
            yield Finding(
                WARNING,
                "unknown-word",
                f"“{word}” in {passage.label} is not in the dictionary.{hint} If it is right, "
                "add it to the newsroom dictionary.",
                passage.target,
                subject=word,
            )


# Found by the punctuation mark itself (fast), then shown with the words around it.
MISSING_SPACE = re.compile(r"(?<=[^\W\d_])[,;](?=[^\W\d_])|(?<=[a-z]{2})[.!?](?=[A-Z][a-z])")
WORD_BEFORE = re.compile(r"[^\W\d_]+$")
WORD_AFTER = re.compile(r"^[^\W\d_]+")


def glued_words(text: str) -> list[str]:
    """ "exercises,known" for every punctuation mark with no space after it."""
    glued = []
    for match in MISSING_SPACE.finditer(text):
        before = WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        after = WORD_AFTER.match(text[match.end() : match.end() + 40])
        glued.append(f"{before.group() if before else ''}{match.group()}{after.group()}")
    return glued


DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.I)
DOUBLING_ALLOWED = {"had", "that", "is", "bye", "no", "very", "so"}


@register("spacing")
def spacing(story: Story) -> Iterable[Finding]:
    """A missing space after punctuation, a doubled word, a quotation left open."""
    for passage in check_run(story).passages:
        glued = glued_words(passage.text)
        if glued:
            shown = ", ".join(f"“{g}”" for g in glued)
            yield Finding(
                WARNING,
                "missing-space",
                f"Missing space after punctuation in {passage.label}: {shown}. Add a space after "
                "the comma, semicolon or full stop.",
                passage.target,
            )
        for match in DOUBLED_WORD.finditer(passage.text):
            if match.group(1).casefold() not in DOUBLING_ALLOWED:
                yield Finding(
                    WARNING,
                    "doubled-word",
                    f"“{match.group()}” in {passage.label}: the word is doubled; remove one.",
                    passage.target,
                )
        yield from unbalanced_quotes(passage)


def unbalanced_quotes(passage: Passage) -> Iterable[Finding]:
    paragraphs = [p for p in re.split(r"\n\s*\n", passage.text) if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        opening, closing = paragraph.count("“"), paragraph.count("”")
        straight = paragraph.count('"')
        # A quotation running on into the next paragraph leaves this one open by convention.
        runs_on = (
            opening == closing + 1
            and index + 1 < len(paragraphs)
            and paragraphs[index + 1].lstrip().startswith("“")
        )
        if (opening != closing and not runs_on) or straight % 2:
            yield Finding(
                WARNING,
                "unbalanced-quotes",
                f"Unbalanced quotation marks in {passage.label} (paragraph starting "
                f"“{excerpt(paragraph, 40)}”): close the quotation or remove the stray mark.",
                passage.target,
            )


# --- Attribution ----------------------------------------------------------------------------

DIRECT_QUOTE = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
ATTRIBUTION_CUE = re.compile(
    r"\b(?:said|says|say|saying|stated|states|stating|told|tells|tweeted|wrote|writes|writing|"
    r"posted|added|adds|according to|warned|warns|announced|announces|emphasi[sz]ed|"
    r"condemned|called|calls|described|describes|insisted|vowed|declared|claimed|claims|noted|"
    r"reported|reports|asked|replied|urged|accused|quoted|quoting|explained|argued|"
    r"acknowledged|admitted|recalled|told|statement|interview|spokes(?:man|woman|person))\b"
    r"|\([^()]{2,60},\s*[A-Z][a-z]{2,8}\.? \d{1,2}\)",
    re.I,
)


@register("attribution")
def attribution(story: Story) -> Iterable[Finding]:
    """Quotes need a speaker or a citation; citations need their quote and their page."""
    citations = list(story.citations.all())
    speakers = [c.speaker.casefold() for c in citations if c.speaker.strip()]
    cited_quotes = [c.quote for c in citations if c.quote.strip()]
    for passage in check_run(story).passages:
        if not passage.is_body:
            continue
        for paragraph in re.split(r"\n\s*\n", passage.text):
            for match in DIRECT_QUOTE.finditer(paragraph):
                quote = match.group(1) or match.group(2)
                # The cue must be outside the quotation: "nobody tells us" inside one is not it.
                if len(quote.split()) < 3 or ATTRIBUTION_CUE.search(
                    DIRECT_QUOTE.sub(" ", paragraph)
                ):
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


# --- Entities: stale cards and unlinked mentions --------------------------------------------


def entity_review_cutoff(today: dt.date | None = None) -> dt.date:
    """Cards reviewed before this day are stale (NEWSDESK_ENTITY_REVIEW_DAYS ago)."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.NEWSDESK_ENTITY_REVIEW_DAYS)


def entity_is_stale(entity, today: dt.date | None = None) -> bool:
    return entity.reviewed_at is None or entity.reviewed_at < entity_review_cutoff(today)


def entities_stale(today: dt.date | None = None) -> QuerySet:
    """Entity cards due for the research desk: never reviewed, or not for too long."""
    from stories.models import Entity

    return Entity.objects.filter(
        Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=entity_review_cutoff(today))
    )


@register("entity_freshness")
def entity_freshness(story: Story) -> Iterable[Finding]:
    """Entity cards linked to the story that the research desk has not reviewed lately."""
    today = check_run(story).today
    days = settings.NEWSDESK_ENTITY_REVIEW_DAYS
    for link in story.entity_links.all():
        entity = link.entity
        if entity.reviewed_at is None:
            message = (
                f"The card for “{entity.name}” has never been reviewed: ask the research desk to "
                "check it before publishing."
            )
        elif entity_is_stale(entity, today):
            message = (
                f"The card for “{entity.name}” was last reviewed on "
                f"{entity.reviewed_at:%d %b %Y}, more than {days} days ago: ask the research "
                "desk to check it is still accurate."
            )
        else:
            continue
        yield Finding(WARNING, "entity-stale", message, f"entity:{entity.pk}")


def entity_mentions(text: str, names: MentionIndex) -> set[int]:
    """Ids of known entities whose name or alias appears in the text, as a name.

    Case matters where it makes a name: "US" is not "us", "Apple" is not "apple".
    """
    tokens = name_tokens(text)
    folded = [t.casefold() for t in tokens]
    found = set()
    for start in range(len(tokens)):
        if folded[start] not in names.first_words:
            continue
        for length in range(min(names.longest, len(tokens) - start), 0, -1):
            key = tuple(folded[start : start + length])
            for entity, name in names.names.get(key, ()):
                if all(
                    same_case_shape(written, wanted)
                    for written, wanted in zip(tokens[start : start + length], name, strict=True)
                ):
                    found.add(entity.id)
    return found


def same_case_shape(written: str, wanted: str) -> bool:
    if wanted.isupper() and len(wanted) > 1:
        return written == wanted
    return not wanted[0].isupper() or written[0].isupper()


@register("entity_suggestions")
def entity_suggestions(story: Story) -> Iterable[Finding]:
    """Known entities the story mentions but does not link: one click away in the checklist."""
    run = check_run(story)
    linked = {link.entity_id for link in story.entity_links.all()}
    where: dict[int, list[str]] = {}
    for passage in run.passages:
        mentioned = entity_mentions(passage.text, run.mentions)
        run.mentioned |= mentioned
        for entity_id in mentioned - linked:
            where.setdefault(entity_id, []).append(passage.label)
    for entity_id, labels in where.items():
        entity = run.names.entities[entity_id]
        places = ", ".join(dict.fromkeys(labels))
        yield Finding(
            WARNING,
            "entity-not-linked",
            f"“{entity.name}” is mentioned in {places} but not linked: link the entity so "
            "readers get its card.",
            f"entity:{entity_id}",
            subject=str(entity_id),
        )


def finding_record(target: str) -> tuple[str, int] | None:
    """("faq", 12) for the target "faq:12"; None for a section key or story field."""
    kind, _, pk = target.partition(":")
    return (kind, int(pk)) if pk.isdigit() else None


def finding_labels(story: Story, findings: Iterable[Finding] = ()) -> dict[str, str]:
    """Readable names for targets: section headings, "FAQ item 3", "Citation 2 (…)", entities.

    Reads the story's prefetched parts and the run's names only: no queries.
    """
    labels = {"story": "Story", "headline": "Headline", "summary": "Summary"}
    labels["dateline"] = "Dateline"
    for section in story.sections.all():
        labels[section.key] = section.heading
    for number, item in enumerate(story.faq_items.all(), start=1):
        labels[f"faq:{item.pk}"] = f"FAQ item {number}"
    for number, citation in enumerate(story.citations.all(), start=1):
        label = citation_label(citation, number)
        labels[f"citation:{citation.pk}"] = label[0].upper() + label[1:]
    for link in story.entity_links.all():
        labels[f"entity:{link.entity_id}"] = link.entity.name
    run = getattr(story, "_check_run", None)
    entity_names = run.entity_names if run is not None else {}
    for finding in findings:
        record = finding_record(finding.target)
        if record and record[0] == "entity" and record[1] in entity_names:
            labels.setdefault(finding.target, entity_names[record[1]])
    return labels


# --- The checklist panel, cached ---------------------------------------------------------------

CHECKLIST_SECONDS = 600
DESK_GENERATION_KEY = "checks:desk-generation"


def desk_generation() -> int:
    """Goes up when something every story's checks read changes: the dictionary, entities,
    outlets, published stories (see stories/receivers.py)."""
    return cache.get_or_set(DESK_GENERATION_KEY, 1, None)


def desk_changed() -> None:
    """Make every cached checklist stale. A cache that is down must not fail the save that
    called this: its checklists are not being served either."""
    try:
        cache.incr(DESK_GENERATION_KEY)
    except ValueError:
        cache.set(DESK_GENERATION_KEY, 2, None)
    except Exception:  # noqa: BLE001 - Redis unreachable
        log.warning("Could not mark cached checklists stale: the cache is unreachable.")


def checklist_cached(story: Story) -> tuple[list[Finding], dict]:
    """The panel's findings and labels, computed once per story version and rendition and per
    desk generation: re-rendering the admin page does not run every check again.

    Freshness findings depend on the date too; the entry lives CHECKLIST_SECONDS at most.
    """
    from stories.selectors import story_with_parts

    try:
        key = f"checks:panel:{story.pk}:{story.version}:{story.rendition}:{desk_generation()}"
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: check without it
        key, cached = None, None
    if cached is None:
        full = story_with_parts(Story.objects.filter(pk=story.pk)).get()
        findings = story_findings(full)
        cached = (findings, finding_labels(full, findings))
        if key:
            try:
                cache.set(key, cached, CHECKLIST_SECONDS)
            except Exception:  # noqa: BLE001
                log.warning("Could not cache the checklist of story %s.", story.pk)
    return cached
