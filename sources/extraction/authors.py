"""Who wrote the article: people's names from JSON-LD, meta tags, links and bylines.

Sources are read in order of how deliberately the page states them: JSON-LD `author`, author meta
tags, `article:author`, `rel=author` links, microdata, a visible "By …" byline, trafilatura. The
first that names a person wins. An Organization is not an author; the outlet's own name only
stands when no source names a person (some outlets credit their newsroom, not a writer).
"""

from __future__ import annotations

import re
import unicodedata

from sources.extraction.page import Page
from sources.extraction.text import clean, is_url, loose

_BY = re.compile(r"^\s*(by|von|par|por|di|door|av|af|de|от|przez)\s*:?\s+", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_ORGANIZATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "WebSite"}
# Not a person: what pages put where a name should be.
_NOT_NAMES = {
    "staff", "staffwriter", "staffreporter", "editorialstaff", "newsroom", "admin",
    "administrator", "editor", "redaktion", "anonymous", "guest", "unknown",
}  # fmt: skip
# Job titles that follow (or precede) a name in a byline, in lower case.
_ROLES = (
    "reporter", "correspondent", "editor", "writer", "columnist", "photographer", "contributor",
    "redakteur", "redakteurin", "korrespondent", "korrespondentin", "journalist", "journalistin",
    "journaliste", "rédacteur", "rédactrice", "envoyé spécial", "envoyée spéciale",
    "periodista", "redactor", "redactora", "corresponsal", "giornalista",
)  # fmt: skip
_ROLE = re.compile(
    r"^(?:(?:senior|chief|deputy|political|foreign|business|sports?|staff|special|"
    r"contributing|associate|managing|news|social media|science|health|tech(?:nology)?|"
    r"economics|security|diplomatic|legal|education|investigations?|data|video|"
    r"washington|white house)\s+)*(?:" + "|".join(_ROLES) + r")s?$",
    re.I,
)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)?\s*$")
# Job titles that follow a name in a byline, in languages whose bylines put them there.
_TRAILING_TITLE = re.compile(r"\s+(기자|특파원|記者|记者|特派員)$")
_SEPARATOR = re.compile(r"\s*(?:;|,|\||\s(?:and|und|et|og|och|en|y|e|&)\s)\s*", re.I)


def authors(read: Page, traf=lambda: None) -> list[str]:
    """People who wrote the article. The page's deliberate description (JSON-LD, meta tags)
    decides when it names anyone; heuristics (links, microdata, bylines, trafilatura) only
    when it names no one."""
    organizations = _organizations(read.article.get("author"))
    outlet = {loose(n) for n in read.site_names() + organizations}
    for tier in (_declared(read), _shown(read, traf)):
        credited: list[str] = []
        for found in tier:
            names = _person_names(found)
            people = [n for n in names if not _is_outlet(n, outlet)]
            if people:
                return people
            credited = credited or names
        if credited or organizations:
            # The description credits only the outlet (JSON-LD's own words first): that is its
            # answer, not a gap for heuristics to fill.
            return _person_names(organizations) or credited
    return []


def _is_outlet(name: str, outlet: set[str]) -> bool:
    """The outlet's own name, or a short name containing it ("Nikkei Inc.", "NDR.de")."""
    folded = loose(name)
    if folded in outlet:
        return True
    return len(name.split()) <= 3 and any(len(n) >= 4 and n in folded for n in outlet)


def _declared(read: Page) -> list[list[str]]:
    article, meta = read.article, read.meta
    found = [_names(article.get("author")) or _names(article.get("creator"))]
    for key in ("author", "parsely-author", "sailthru.author", "dc.creator", "byl"):
        found.append([v for v in meta.all(key) if not is_url(v)])
    found.append(_article_authors(read))
    return found


def _shown(read: Page, traf):
    yield _linked_authors(read)
    yield _microdata_authors(read)
    yield _visible_byline(read)
    result = traf()
    if result and result.author:
        yield [a.strip() for a in result.author.split(";")]


def _names(value) -> list[str]:
    """Author names from a JSON-LD value: a string, a Person, or a list of either; never an
    Organization."""
    if value is None:
        return []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        kinds = value.get("@type")
        kinds = {str(k) for k in (kinds if isinstance(kinds, list) else [kinds]) if k}
        if kinds & _ORGANIZATION_TYPES and "Person" not in kinds:
            return []
        name = value.get("name")
        if isinstance(name, dict | list):
            return _names(name)
        if not name and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName', '')} {value.get('familyName', '')}"
        return _names(name) if name else []
    if isinstance(value, str):
        text = clean(value)
        return [] if not text or is_url(text) else [text]
    return []


def _organizations(value) -> list[str]:
    """Names of Organization authors: the outlet crediting itself."""
    values = value if isinstance(value, list) else [value]
    return [
        clean(v.get("name"))
        for v in values
        if isinstance(v, dict) and not _names(v) and isinstance(v.get("name"), str)
    ]


def _article_authors(read: Page) -> list[str]:
    """`article:author` holds a name or a profile URL; a URL counts only when the page itself
    names whoever it points to (a JSON-LD Person with that URL, or a rel=author link to it)."""
    names = []
    for value in read.meta.all("article:author", "og:article:author"):
        if not is_url(value):
            names.append(value)
            continue
        names.extend(_named_by_page(read, value))
    return names


def _named_by_page(read: Page, url: str) -> list[str]:
    target = url.rstrip("/")
    for node in read.meta.jsonld:
        if "Person" in str(node.get("@type")):
            ids = [node.get("url"), node.get("@id")]
            same = node.get("sameAs")
            ids += same if isinstance(same, list) else [same]
            if any(isinstance(i, str) and i.rstrip("/") == target for i in ids):
                return _names(node)
    for link in read.tree.xpath(
        '//a[contains(concat(" ", normalize-space(@rel), " "), " author ")]'
    ):
        href = (link.get("href") or "").rstrip("/")
        if href and href == target:
            text = clean(link.text_content())
            if text and not is_url(text):
                return [text]
    return []


def _linked_authors(read: Page) -> list[str]:
    """Links the page marks as its author's (`rel="author"`)."""
    links = read.tree.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " author ")]')
    return [clean(a.text_content()) for a in links[:10]]


def _microdata_authors(read: Page) -> list[str]:
    """schema.org microdata: `itemprop="author"`, or the `name` inside it."""
    names = []
    for element in read.tree.xpath('//*[@itemprop="author"]')[:10]:
        if element.tag == "meta":
            continue
        inner = element.xpath('.//*[@itemprop="name"]')
        if inner:
            names.append(clean(inner[0].get("content") or inner[0].text_content()))
        else:
            names.append(clean(element.get("content") or element.text_content()))
    return [n for n in names if n and len(n.split()) <= 12]


def _visible_byline(read: Page) -> list[str]:
    """The first short "By Jane Roe" in an element whose class says byline or author (later
    ones belong to teasers of other articles)."""
    found = read.tree.xpath(
        '//*[contains(translate(@class, "BYLINEAUTHOR", "bylineauthor"), "byline")'
        ' or contains(translate(@class, "BYLINEAUTHOR", "bylineauthor"), "author")]'
    )
    for element in found[:40]:
        text = clean(element.text_content())
        if text and len(text.split()) <= 10 and _BY.match(text):
            return [text]
    return []


def _person_names(names: list[str]) -> list[str]:
    """Split 'By A, B and C (dpa)' style strings into names and drop what is not a name."""
    out = []
    for name in names:
        name = _EMAIL.sub(" ", clean(name)).strip()
        if not name or name.startswith("("):
            continue
        name = _BY.sub("", name)
        parts = _split_names(name) if _SEPARATOR.search(name) else [name]
        out.extend(_tidy_name(p) for p in parts)
    return _dedupe([n for n in out if _is_name(n)])


def _split_names(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATOR.split(text) if p and p.strip()]


def _tidy_name(name: str) -> str:
    name = _PARENTHESIS.sub("", clean(name))
    name = _BY.sub("", name)
    name = _TRAILING_TITLE.sub("", name)
    return name.strip(" ,;|:-–—")


def _is_name(name: str) -> bool:
    return bool(
        name
        and not is_url(name)
        and loose(name) not in _NOT_NAMES
        and not _ROLE.match(name)
        and any(c.isalpha() for c in name)
    )


def _dedupe(names: list[str]) -> list[str]:
    """One of each name; 'José Núñez' and 'JOSE NUNEZ' are the same person."""
    seen, out = set(), []
    for name in names:
        key = _accentless(loose(name))
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def _accentless(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
