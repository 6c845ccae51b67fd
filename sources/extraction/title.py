"""The headline: reconciled from the page's candidates, without the site's name around it.

A page names its article up to five times: JSON-LD `headline`, `og:title`, `twitter:title`, the
visible `<h1>` and the `<title>`. Each is stripped of the outlet's name and of section labels
(from `og:site_name`, the publisher, the domain, `article:section`, and from tails one candidate
carries and another does not), then the candidates vote: equal texts (ignoring case, punctuation
and quote styles) pool their sources' weights and the richest group wins, written as its
weightiest source writes it.
"""

from __future__ import annotations

import re

from sources.extraction.page import Page
from sources.extraction.text import clean, loose

# Where a title can come from, in the order that breaks ties.
SOURCES = ("headline", "og:title", "twitter:title", "h1", "title")

# How much each source's vote counts. Fitted by `bench/extraction.py --fit` on news-metadata-dev
# (the whole set; its cross-validation fits them again on each fold's training publishers).
TITLE_WEIGHTS = {"headline": 1.0, "og:title": 1.0, "twitter:title": 0.0, "h1": 0.0, "title": 0.0}

_SEPARATORS = r"\s+[|\-–—:·•»«/›]\s+|\s*[ㅣ｜]\s*|:\s+"
# Between a headline and a tail it does not own; a colon is too often part of the headline.
_TAIL_SEPARATOR = re.compile(r"^(?:\s+[|\-–—·•»«/›]\s+|\s*[ㅣ｜|]\s*|\s*[-–—]\s*)(?=\S)")
_HEAD_SEPARATOR = re.compile(r"(?:\s+[|\-–—·•»«/›]\s+|\s*[ㅣ｜|]\s*)$")


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Headline | The Daily Example' → 'Headline', when the tail (or head) names the site."""
    names = {loose(n) for n in site_names if n}
    parts = re.split(f"({_SEPARATORS})", title)
    if len(parts) < 3:
        return title
    head, tail = "".join(parts[:-2]).strip(), parts[-1].strip()
    if _names_site(tail, names):
        return strip_site_suffix(head, site_names)
    first, rest = parts[0].strip(), "".join(parts[2:]).strip()
    if _names_site(first, names):
        return rest
    return title


def _names_site(part: str, names: set[str]) -> bool:
    """The part is the site's name, or a short label containing it ("Politics | Sky News")."""
    folded = loose(part)
    if folded in names:
        return True
    return len(part.split()) <= 4 and any(len(n) >= 4 and n in folded for n in names)


def candidates(read: Page) -> list[tuple[str, str]]:
    """(source, text) for every source that gives a title, as the page writes it."""
    found = [
        ("headline", clean(read.article.get("headline")) or clean(read.article.get("name"))),
        ("og:title", read.meta.first("og:title")),
        ("twitter:title", read.meta.first("twitter:title")),
    ]
    others = {loose(text) for _, text in found if text}
    title_tag = read.tree.find(".//title")
    page_title = clean(title_tag.text_content()) if title_tag is not None else ""
    found.append(("h1", _h1(read, others | {loose(page_title)})))
    found.append(("title", page_title))
    return [(source, text) for source, text in found if text]


def _h1(read: Page, others: set[str]) -> str:
    """The page's visible headline: the <h1> another source agrees with, else the first one.
    Navigation and teasers use <h1> too, so agreement beats position."""
    texts = [clean(h.text_content()) for h in read.tree.iter("h1")][:10]
    texts = [t for t in texts if t]
    for text in texts:
        folded = loose(text)
        if folded and any(folded == o or (o and o.startswith(folded)) for o in others):
            return text
    return texts[0] if texts else ""


def reconcile(read: Page, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Strip each candidate of the outlet's name and of section labels."""
    names = read.site_names()
    stripped = [(source, strip_site_suffix(text, names)) for source, text in found]
    sections = _sections(read)
    if sections:
        stripped = [(source, _strip_sections(text, sections)) for source, text in stripped]
    texts = [text for _, text in stripped]
    return [(source, _strip_foreign_parts(text, texts)) for source, text in stripped]


def _sections(read: Page) -> set[str]:
    """The section the page says it belongs to: labels titles often carry ("… - Politik")."""
    values = read.meta.all("article:section", "section", "category", "content_category")
    section = read.article.get("articleSection")
    values += [clean(s) for s in (section if isinstance(section, list) else [section]) if s]
    return {loose(v) for v in values if v and len(v) <= 40} - {""}


def _strip_sections(text: str, sections: set[str]) -> str:
    for _ in range(3):
        match = re.search(
            r"(?:\s+[|\-–—·•»/›]\s+|\s*[ㅣ｜|]\s*|\s*[-–—]\s*)([^|\-–—·•»/›ㅣ｜]+)$", text
        )
        if not match or loose(match.group(1)) not in sections or match.start() == 0:
            return text
        text = text[: match.start()].rstrip()
    return text


def _strip_foreign_parts(text: str, texts: list[str]) -> str:
    """'Headline - Section - Site' → 'Headline' when another candidate is exactly 'Headline':
    what follows a separator and no other source repeats is the page's frame, not the title.
    A short kicker before a separator ('Live / Headline') goes the same way."""
    best = text
    for other in texts:
        if len(other) < 12 or len(other) >= len(best) or len(other.split()) < 3:
            continue
        if best.startswith(other) and _TAIL_SEPARATOR.match(best[len(other) :]):
            best = other
        elif best.endswith(other):
            head = best[: -len(other)]
            if _HEAD_SEPARATOR.search(head) and len(head.split()) <= 4:
                best = other
    return best


def vote(options: list[tuple[str, str]], weights: dict[str, float] | None = None) -> str:
    """The title most weight agrees on, as its weightiest source writes it."""
    weights = TITLE_WEIGHTS if weights is None else weights
    groups: dict[str, list[tuple[str, str]]] = {}
    for source, text in options:
        key = loose(text)
        if key:
            groups.setdefault(key, []).append((source, text))

    def rank(members):
        first = min(SOURCES.index(source) for source, _ in members)
        return (sum(weights.get(source, 0.0) for source, _ in members), -first)

    if not groups:
        return ""
    members = max(groups.values(), key=rank)
    return max(members, key=lambda m: (weights.get(m[0], 0.0), -SOURCES.index(m[0])))[1]


def headline(read: Page, weights: dict[str, float] | None = None) -> str:
    """The article's title, or '' when the page gives none."""
    return vote(reconcile(read, candidates(read)), weights)
