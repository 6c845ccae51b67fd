"""Matching what the text names to what the desk has: headings to the template's sections,
outlets to known outlets, entity cards to known entities (and their kind, from their words)."""

import re
from urllib.parse import urlsplit

from sources.models import Outlet
from stories.importing.text import MARKDOWN_HEADING
from stories.models import Entity, EntityKind

# Headings as journalists write them, for the template section they mean: by the section's key,
# or by its kind (the template's first section of that kind).
HEADING_ALIASES = {
    "common question": "kind:faq",
    "common questions": "kind:faq",
    "faq": "kind:faq",
    "faqs": "kind:faq",
    "frequently asked questions": "kind:faq",
    "questions and answers": "kind:faq",
    "q a": "kind:faq",
    "reader questions": "kind:faq",
    "sources": "kind:citations",
    "references": "kind:citations",
    "what others say": "kind:citations",
    "what the press says": "kind:citations",
    "press review": "kind:citations",
    "entities": "kind:entities",
    "related topics": "kind:entities",
    "who s who": "kind:entities",
    "key players": "kind:entities",
    "people and organisations": "kind:entities",
    "people and organizations": "kind:entities",
    "what happened": "key:whats-happened",
    "the news": "key:whats-happened",
    "why it matters": "key:behind-the-headline",
    "behind the headline": "key:behind-the-headline",
    "forecast": "key:forecast",
    "implications": "key:forecast",
    "what next": "key:forecast",
    "what happens next": "key:forecast",
    "background": "key:how-we-got-here",
    "context": "key:how-we-got-here",
    "further questions": "key:go-deeper",
    "questions to explore": "key:go-deeper",
    "story": "kind:text",
    "report": "kind:text",
}

KIND_CUES = [
    (EntityKind.COUNTRY, r"country|nation|kingdom|republic|federation|emirate"),
    (
        EntityKind.PERSON,
        r"politician|official|officer|leader|president|minister|businessman|businesswoman|"
        r"attorney|lawyer|actor|actress|singer|writer|author|journalist|diplomat|general|"
        r"activist|chairman|chairwoman|spokesperson|secretary|chancellor|monarch|king|queen|"
        r"prince|princess|scientist|economist|footballer|player|presenter|born",
    ),
    (
        EntityKind.ORGANISATION,
        r"agency|organi[sz]ation|party|company|corporation|firm|ministry|department|command|"
        r"council|committee|union|alliance|bank|group|newspaper|broadcaster|university|army|"
        r"body|authority|association|federation of|club|charity|foundation|school|hospital|"
        r"navy|force|institute|bloc|movement|militia|court|parliament|government|network",
    ),
    (
        EntityKind.PLACE,
        r"city|town|village|province|region|island|peninsula|sea|ocean|river|mountain|county|"
        r"district|capital|port|border|territory|state of|strait|gulf|desert|continent",
    ),
    (
        EntityKind.EVENT,
        r"summit|war|election|conference|games|festival|crisis|attack|exercise|drill|"
        r"olympics|championship|referendum|protest|disaster|earthquake|storm|pandemic",
    ),
]
CARD_NAME_END = re.compile(
    r"\s+(?:is|was|are|were|has been|serves as)\s|,\s*(?:officially|commonly|historically|"
    r"formerly|also|known|better|born)\b|\s+\(|:\s|\s+[–—]\s"
)
ALIAS_PATTERNS = [
    re.compile(r"\bofficially(?: known as)?\s+(?:the\s+)?(?P<a>[^,();]+?)(?=,|\s+is\s|\s+\(|$)"),
    re.compile(
        r"\b(?:commonly|also|historically|formerly|better) known as\s+(?:the\s+)?(?P<a>[^,();]+?)"
        r"(?:\s+or\s+(?:the\s+)?(?P<b>[^,();]+?))?(?=,|\s+is\s|\s+\(|$)"
    ),
]


def heading_key(text: str) -> str:
    """A heading with case, punctuation and plurals ignored: "Common question" = "Common questions"."""
    text = text.casefold().replace("’", "").replace("'", "").replace("&", " ")
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def section_lookup(template_sections) -> dict[str, object]:
    """Heading key -> template section: its heading, its key and the aliases."""
    lookup: dict[str, object] = {}
    for section in template_sections:
        lookup.setdefault(heading_key(section.heading), section)
        lookup.setdefault(heading_key(section.key.replace("-", " ")), section)
    for alias, means in HEADING_ALIASES.items():
        how, _, value = means.partition(":")
        section = next(
            (s for s in template_sections if (s.kind if how == "kind" else s.key) == value), None
        )
        if section is not None:
            lookup.setdefault(heading_key(alias), section)
    return lookup


def match_heading(line: str, lookup: dict) -> tuple[object | None, bool]:
    """(the template section a heading line names, whether it was a Markdown heading)."""
    markdown = MARKDOWN_HEADING.match(line)
    text = markdown.group("text") if markdown else line
    text = text.strip().strip("*_").rstrip(":").strip()
    if not text or len(text) > 80:
        return None, bool(markdown)
    return lookup.get(heading_key(text)), bool(markdown)


def entity_key(name: str) -> str:
    name = name.casefold().replace("’", "'")
    name = re.sub(r"^the\s+", "", name)
    return " ".join(re.sub(r"[^\w']+", " ", name).split())


def card_name(line: str) -> str | None:
    """The entity a card is about: the words before "is", ", officially", " (" and the like."""
    line = line.strip()
    bold = re.match(r"^\*\*(?P<name>[^*]+)\*\*", line)
    if bold:
        name = bold.group("name")
    else:
        end = CARD_NAME_END.search(line)
        if end is None:
            return None
        name = line[: end.start()]
    name = re.sub(r"^the\s+", "", name.strip().strip("*_:").strip(), flags=re.I)
    if not name or len(name) > 80 or len(name.split()) > 8 or not name[0].isupper():
        return None
    return name


def card_aliases(line: str, name: str) -> list[str]:
    head = line[: m.start()] if (m := re.search(r"\s(?:is|was|are|were)\s", line)) else line
    aliases = []
    for pattern in ALIAS_PATTERNS:
        for match in pattern.finditer(head):
            for alias in match.groupdict().values():
                if alias and alias.strip() and alias.strip() != name:
                    aliases.append(alias.strip())
    return list(dict.fromkeys(aliases))


def card_kind(line: str) -> str:
    """A kind from the words after "is a": the earliest cue word wins ("a coastal city" = place)."""
    after = re.split(r"\s(?:is|was|are|were)\s", line, maxsplit=1)
    phrase = after[1][:120].casefold() if len(after) == 2 else line[:120].casefold()
    if re.search(r"\(born\b", line[:200]):
        return EntityKind.PERSON
    best: tuple[int, str] | None = None
    for kind, words in KIND_CUES:
        match = re.search(rf"\b(?:{words})\b", phrase)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), kind)
    return best[1] if best else EntityKind.OTHER


def url_domain(url: str) -> str:
    host = urlsplit(url).hostname or "" if url else ""
    return host.removeprefix("www.")


def outlet_match(name: str, url: str, known_outlets: dict[str, Outlet]) -> Outlet | None:
    """A known outlet by name (any case), by initials ("SCMP"), or by the URL's domain."""
    outlet = known_outlets.get(name.casefold())
    if outlet:
        return outlet
    if name.isupper() and len(name) >= 2:
        for candidate in known_outlets.values():
            words = [w for w in candidate.name.split() if w.casefold() != "the"]
            if "".join(w[0] for w in words).upper() == name:
                return candidate
    domain = url_domain(url)
    if domain:
        return next((o for o in known_outlets.values() if o.domain == domain), None)
    return None


def entity_match(name: str, aliases: list[str], known_entities: dict[str, Entity]) -> Entity | None:
    """A known entity by the card's name, an alias, or first and last name."""
    words = name.split()
    candidates = [name, *aliases]
    if len(words) >= 3:
        candidates.append(f"{words[0]} {words[-1]}")  # "Peter Brian Hegseth" = "Peter Hegseth"
    for candidate in candidates:
        entity = known_entities.get(entity_key(candidate))
        if entity:
            return entity
    return None
