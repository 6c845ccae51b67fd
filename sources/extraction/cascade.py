"""The cascade: the page's own description first, trafilatura and htmldate for what it leaves."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field

import trafilatura

from sources.extraction import authors, dates, page, title
from sources.extraction.text import clean
from sources.fetching import decode_body

log = logging.getLogger(__name__)


@dataclass
class ArticleMetadata:
    """The extraction result; `as_dict` is what `extract_article` prints."""

    title: str = ""
    site_name: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.datetime | None = None
    description: str = ""
    canonical_url: str = ""
    language: str = ""
    text: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


def extract(
    html: str | bytes, url: str = "", *, title_weights: dict[str, float] | None = None
) -> ArticleMetadata:
    """Read a page's metadata and main text: the page's own description first, then
    trafilatura and htmldate for whatever it leaves out. `title_weights` replaces the shipped
    title weights (the benchmark's cross-validation fits its own)."""
    if isinstance(html, bytes):
        html = decode_body(html)
    read = page.read_page(html, url)
    if read is None:
        return ArticleMetadata(canonical_url=url)
    tree, meta, article, base = read.tree, read.meta, read.article, read.base
    result = ArticleMetadata(canonical_url=base, site_name=read.site_name)
    result.language = page.language(tree, meta, article)
    result.description = meta.first(
        "og:description", "description", "twitter:description"
    ) or clean(article.get("description"))

    fallback = None

    def traf():
        nonlocal fallback
        if fallback is None:
            try:
                fallback = trafilatura.extract_metadata(tree, default_url=base or None)
            except Exception:  # noqa: BLE001 - a fallback must never break the cascade
                log.debug("trafilatura metadata failed", exc_info=True)
                fallback = False
        return fallback or None

    result.title = title.headline(read, weights=title_weights)
    if not result.title and traf():
        result.title = title.strip_site_suffix(clean(traf().title), read.site_names())
    result.authors = authors.authors(read, traf)
    result.published = dates.published(tree, meta, article, base)

    try:
        text = trafilatura.extract(
            tree, url=base or None, include_comments=False, include_tables=False, fast=True
        )
    except Exception:  # noqa: BLE001
        log.debug("trafilatura text failed", exc_info=True)
        text = None
    result.text = (text or clean(article.get("articleBody")) or "").strip()
    return result
