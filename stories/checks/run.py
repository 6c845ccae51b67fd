"""What one run of the checks reads beyond the story: the names the desk knows, the story's
passages, other stories' FAQ questions, each read once per run."""

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import TextField, Value
from django.utils import timezone

from sources.models import Outlet
from stories.checks.passages import (
    FIRST_WORDS,
    WORD,
    Passage,
    at_sentence_start,
    name_tokens,
    normalise_quotes,
    story_passages,
)
from stories.models import DictionaryWord, Entity, FAQItem, Story, StoryStatus

# FAQ questions of other published stories read per run (the newest).
PUBLISHED_QUESTIONS_READ = 5000


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
        # Newsroom dictionary words by language ("" for every language), lower-cased.
        self.dictionary: dict[str, set[str]] = {}
        dictionary_words: dict[str, list[str]] = {}
        for source, pk, name, aliases, slug in rows:
            if source == "word":
                dictionary_words.setdefault(aliases or "", []).append(name)
                continue
            everything.append(name)
            everything.append(aliases or "")
            if source == "entity":
                self.entities[pk] = KnownEntity(id=pk, name=name, slug=slug, aliases=aliases or "")
        # One pass over all names at once: thousands of entities cost milliseconds, not more.
        # Lower-cased, not case-folded: "Straße" stays "straße".
        self.words: set[str] = set(name_tokens("\n".join(everything).lower()))
        for language, words in dictionary_words.items():
            self.dictionary[language] = set(name_tokens("\n".join(words).lower()))

    def knows(self, word: str, language: str) -> bool:
        """Whether a lower-case word is in a name the desk knows (entity, alias, outlet) or in
        the newsroom's dictionary for that language or for every language."""
        return (
            word in self.words
            or word in self.dictionary.get(language, ())
            or word in self.dictionary.get("", ())
        )

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
        def text(value: str = ""):
            return Value(value, output_field=TextField())

        # One round trip instead of three: this runs on every story admin page.
        rows = (
            Entity.objects.order_by()
            .values_list(text("entity"), "id", "name", "aliases", "slug")
            .union(
                Outlet.objects.order_by().values_list(text("outlet"), "id", "name", text(), text()),
                DictionaryWord.objects.order_by().values_list(
                    text("word"), "id", "word", "language", text()
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
                folded = token.lower()
                if not at_sentence_start(passage.text, match.start()):
                    mid_sentence.add(folded)
                (repeated if folded in seen else seen).add(folded)
        return mid_sentence | repeated

    @cached_property
    def published_questions(self) -> list[tuple[str, str, str]]:
        """(question, headline, slug) of FAQ items in other published stories, newest first.

        Capped at PUBLISHED_QUESTIONS_READ, so the archive's size never slows the checklist.
        """
        return list(
            FAQItem.objects.filter(story__status=StoryStatus.PUBLISHED)
            .exclude(story_id=self.story.pk)
            .order_by("-story__published_at", "-id")
            .values_list("question", "story__headline", "story__slug")[:PUBLISHED_QUESTIONS_READ]
        )
