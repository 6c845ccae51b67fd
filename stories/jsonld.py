"""schema.org JSON-LD for public story pages: a `NewsArticle` and, when the story has FAQ
items, an `FAQPage`, so search engines and aggregators read the page's structure."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from pictures.selectors import story_lead_picture
from stories import visibility
from stories.models import Story

ENTITY_TYPES = {
    "person": "Person",
    "country": "Country",
    "organisation": "Organization",
    "place": "Place",
    "event": "Event",
}

# The characters that could end a <script> element or start markup inside it.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _site(path: str) -> str:
    return f"{settings.NEWSDESK_SITE_URL}{path}"


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _entity(link) -> dict:
    entity = link.entity
    thing = {
        "@type": ENTITY_TYPES.get(entity.kind, "Thing"),
        "name": entity.name,
        "url": _site(entity.get_absolute_url()),
    }
    if entity.description:
        thing["description"] = entity.description
    if entity.wikidata_id:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{entity.wikidata_id}"
    return thing


def _citation(citation) -> dict:
    work = {"@type": "CreativeWork"}
    outlet = citation.outlet.name if citation.outlet_id else ""
    work["name"] = citation.title or outlet or citation.claim[:110]
    if citation.url:
        work["url"] = citation.url
    if citation.published_on:
        work["datePublished"] = citation.published_on.isoformat()
    if outlet:
        work["publisher"] = {"@type": "Organization", "name": outlet}
    return work


# Google's article guidelines: images at least 1200 px wide, in 16:9, 4:3 and 1:1.
IMAGE_CROPS = ("16x9", "4x3", "1x1")


def _images(story: Story) -> list[dict]:
    lead = story_lead_picture(story)
    if lead is None:
        return []
    images = []
    for crop in IMAGE_CROPS:
        rendition = lead.best(crop, min_width=1200)
        image = {
            "@type": "ImageObject",
            "url": rendition.url,
            "contentUrl": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
        }
        if lead.alt_text:
            image["description"] = lead.alt_text
        if lead.caption:
            image["caption"] = lead.caption
        if lead.credit:
            image["creditText"] = lead.credit
        if lead.copyright_notice:
            image["copyrightNotice"] = lead.copyright_notice
        licence = lead.licence_url or settings.NEWSDESK_PICTURE_LICENCE_URL
        if licence:
            image["license"] = licence
        images.append(image)
    return images


def news_article(story: Story) -> dict:
    """The story as a schema.org NewsArticle (from a `story_with_parts` story: no queries)."""
    url = _site(story.get_absolute_url())
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "mainEntityOfPage": url,
        "url": url,
        "headline": story.headline,
        "inLanguage": story.language,
        "articleSection": story.template.name,
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.NEWSDESK_SITE_NAME,
            "url": _site("/"),
        },
        "author": [{"@type": "Person", "name": str(byline)} for byline in story.byline_links.all()],
    }
    if story.summary:
        article["description"] = story.summary
    images = _images(story)
    if images:
        article["image"] = images
    if story.published_at:
        article["datePublished"] = _iso(story.published_at)
    article["dateModified"] = _iso(story.updated_at)
    if story.has_dateline:
        article["dateline"] = story.dateline_place
    links = list(story.entity_links.all())
    about = [_entity(link) for link in links if link.role == "about"]
    mentions = [_entity(link) for link in links if link.role == "mentions"]
    if about:
        article["about"] = about
    if mentions:
        article["mentions"] = mentions
    citations = [_citation(c) for c in story.citations.all()]
    if citations:
        article["citation"] = citations
    corrections = [
        {"@type": "CorrectionComment", "text": c.text, "datePublished": _iso(c.created_at)}
        for c in story.corrections.all()
    ]
    if corrections:
        article["correction"] = corrections
    return article


def faq_page(story: Story) -> dict | None:
    """The story's FAQ items as a schema.org FAQPage, or None when it has none."""
    items = list(story.faq_items.all())
    if not items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": _site(story.get_absolute_url()),
        "mainEntity": [
            {
                "@type": "Question",
                "name": item.question,
                "acceptedAnswer": {"@type": "Answer", "text": item.answer},
            }
            for item in items
        ],
    }


def jsonld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element that no story text can break out of."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


def story_jsonld(story: Story) -> SafeString:
    """All JSON-LD for a story page; nothing at all unless the story is public."""
    if not visibility.story_is_visible(story):
        return mark_safe("")
    scripts = [jsonld_script(news_article(story))]
    faq = faq_page(story)
    if faq:
        scripts.append(jsonld_script(faq))
    return mark_safe("\n".join(scripts))  # noqa: S308
