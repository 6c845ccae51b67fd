"""The cascade: the page's own description first, trafilatura and htmldate for what it leaves."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field

import lxml.etree
import lxml.html
import trafilatura

from sources.extraction import authors, dates, page, title
from sources.extraction.text import clean

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


def extract(html: str | bytes, url: str = "") -> ArticleMetadata:
    """Read a page's metadata and main text: the page's own description first, then
    trafilatura and htmldate for whatever it leaves out."""
    if isinstance(html, bytes):
        from sources.fetching import decode_body

        html = decode_body(html)
    if not html or not html.strip():
        return ArticleMetadata(canonical_url=url)
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ArticleMetadata(canonical_url=url)
    meta = page.PageMeta(tree)
    article = page.article_node(meta.jsonld, url) or {}
    publisher = article.get("publisher") if isinstance(article.get("publisher"), dict) else {}
    result = ArticleMetadata()

    result.canonical_url = page.canonical(tree, meta, article, url)
    base = result.canonical_url or url
    result.site_name = (
        meta.first("og:site_name", "application-name", "twitter:app:name:iphone")
        or clean(publisher.get("name"))
        or next(
            (
                clean(n.get("name"))
                for n in meta.jsonld
                if "WebSite" in page.types(n) and n.get("name")
            ),
            "",
        )
    )
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

    site_names = [result.site_name, *(page.domain_names(base) if base else [])]
    headline = (
        clean(article.get("headline"))
        or meta.first("og:title", "twitter:title")
        or clean(article.get("name"))
    )
    if not headline:
        h1 = tree.xpath("//h1")
        headline = clean(h1[0].text_content()) if h1 else ""
    if not headline:
        title_tag = tree.find(".//title")
        headline = clean(title_tag.text_content()) if title_tag is not None else ""
    if not headline and traf():
        headline = clean(traf().title)
    result.title = title.strip_site_suffix(headline, site_names) if headline else ""

    result.authors = authors.authors(
        article, meta, traf, [result.site_name, clean(publisher.get("name"))]
    )
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
