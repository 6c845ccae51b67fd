"""Who wrote the article: people's names from JSON-LD, meta tags and bylines."""

from __future__ import annotations

import re

from sources.extraction.page import PageMeta
from sources.extraction.text import clean, is_url, loose

_BY = re.compile(r"^\s*(by|von|par|por|di|door|av|af|de)\s+", re.I)


def _names(value) -> list[str]:
    """Author names from a JSON-LD value: a string, a Person, or a list of either."""
    if value is None:
        return []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, dict | list):
            return _names(name)
        if not name and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName', '')} {value.get('familyName', '')}"
        return _names(name) if name else []
    if isinstance(value, str):
        text = clean(value)
        if not text or is_url(text):
            return []
        return [_BY.sub("", text).strip()]
    return []


def _dedupe(names: list[str]) -> list[str]:
    seen, out = set(), []
    for name in names:
        name = clean(name).strip(" ,;")
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            out.append(name)
    return out


_SEPARATOR = re.compile(r"\s*(?:;|,|\s(?:and|und|et|og|och|en|y|e|&)\s)\s*", re.I)


def _split_names(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATOR.split(text) if p and p.strip()]


_PARENTHESIS = re.compile(r"\s*\([^)]*\)?\s*$")
# Job titles that follow a name in a byline, in languages whose bylines put them there.
_TRAILING_TITLE = re.compile(r"\s+(기자|특파원|記者|记者|特派員)$")


def _tidy_name(name: str) -> str:
    name = _PARENTHESIS.sub("", clean(name))
    name = _TRAILING_TITLE.sub("", name)
    return name.strip(" ,;|")


def _person_names(names: list[str]) -> list[str]:
    """Split 'A und B, dpa' style strings into names and drop what is not a name."""
    out = []
    for name in names:
        if name.startswith("("):
            continue
        parts = _split_names(name) if _SEPARATOR.search(name) else [name]
        out.extend(_tidy_name(p) for p in parts)
    return _dedupe([n for n in out if n and not is_url(n)])


def authors(article: dict, meta: PageMeta, traf, publisher_names: list[str]) -> list[str]:
    """People who wrote the article, from the first source that names any. The outlet's own
    name is dropped from a list that also names people ("Hankook Ilbo, Shin Hyun-joo")."""
    publishers = {loose(n) for n in publisher_names if n}

    def sources():
        yield _names(article.get("author")) or _names(article.get("creator"))
        for key in ("author", "parsely-author", "sailthru.author", "dc.creator", "byl"):
            found = [_BY.sub("", v) for v in meta.all(key) if not is_url(v)]
            if found:
                yield found
        result = traf()
        if result and result.author:
            yield [a.strip() for a in result.author.split(";")]

    for found in sources():
        names = _person_names(found)
        if names:
            people = [n for n in names if loose(n) not in publishers]
            return people or names
    return []
