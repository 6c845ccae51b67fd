"""Stories as IPTC ninjs 3.1 (News in JSON), the format partner systems already ingest.

Mapping: entities go to `people` / `places` / `organisations` / `events` / `subjects` with `rel`
"about" or "mentions"; citations to `associations` (rel "citation"); corrections to
`descriptions` with role "correction"; the embargo to `embargoedUntil`; a withdrawal to
`pubStatus: "canceled"`. The schema is strict (no fields of our own), so everything of ours fits
one of its properties or is left out.
"""

import re

from django.conf import settings
from django.utils.encoding import iri_to_uri
from django.utils.html import escape, strip_tags

from pictures.models import Licence
from pictures.selectors import StoryPicture, story_pictures
from stories.api.serializers import archived_copy_url, site_url
from stories.models import Story

NINJS_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
STANDARD = {"name": "ninjs", "version": "3.1", "schema": NINJS_SCHEMA_URI}

ENTITY_GROUPS = {
    "person": "people",
    "country": "places",
    "place": "places",
    "organisation": "organisations",
    "event": "events",
}


def iso(value) -> str:
    """RFC 3339 date-time in UTC with a Z, as ninjs' `date-time` format wants."""
    return value.isoformat().replace("+00:00", "Z")


def story_uri(slug: str) -> str:
    """The story's stable identifier: its public URL, which is fixed once published."""
    return site_url(f"/stories/{slug}/")


def _body_html(story: Story) -> str:
    parts = []
    for section in story.sections.all():
        if section.body_html:
            parts.append(
                f'<section id="{escape(section.key)}"><h2>{escape(section.heading)}</h2>'
                f"{section.body_html}</section>"
            )
    return "\n".join(parts)


def _byline(story: Story) -> str:
    names = [str(link) for link in story.byline_links.all()]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""


def _entities(story: Story) -> dict[str, list]:
    groups: dict[str, list] = {}
    for link in story.entity_links.all():
        entity = link.entity
        item = {
            "name": entity.name,
            "rel": link.role,
            "uri": site_url(entity.get_absolute_url()),
            "literal": entity.slug,
        }
        groups.setdefault(ENTITY_GROUPS.get(entity.kind, "subjects"), []).append(item)
    return groups


def _citation_name(citation) -> str:
    outlet = citation.outlet.name if citation.outlet_id else "Unknown outlet"
    if citation.title:
        return f"{outlet}: {citation.title}"
    if citation.published_on:
        return f"{outlet}, {citation.published_on:%b} {citation.published_on.day}"
    return outlet


def _association(story: Story, citation) -> dict:
    association = {
        "name": _citation_name(citation),
        "rel": "citation",
        # A citation without a link still needs an identifier: its place in our story.
        "uri": iri_to_uri(citation.url) or f"{story_uri(story.slug)}#citation-{citation.pk}",
        "type": "text",
        "descriptions": [{"role": "claim", "value": citation.claim}],
    }
    if citation.title:
        association["headlines"] = [{"value": citation.title}]
    if citation.quote:
        association["descriptions"].append({"role": "quote", "value": citation.quote})
    if citation.speaker:
        association["by"] = citation.speaker
    if citation.outlet_id:
        source = {"name": citation.outlet.name, "role": "publisher"}
        if citation.outlet.homepage:
            source["uri"] = iri_to_uri(citation.outlet.homepage)
        association["infoSources"] = [source]
    renditions = []
    if citation.url:
        renditions.append(
            {"name": "original", "href": iri_to_uri(citation.url), "contentType": "text/html"}
        )
    archived = archived_copy_url(citation)
    if archived:
        renditions.append({"name": "archived", "href": archived, "contentType": "text/html"})
    if renditions:
        association["renditions"] = renditions
    return association


def _usage_terms(picture: StoryPicture) -> str:
    licence = Licence(picture.licence).label if picture.licence else ""
    if picture.licence_url:
        licence = f"{licence} ({picture.licence_url})".strip()
    return ". ".join(bit.rstrip(".") for bit in (licence, picture.usage_terms) if bit)


def _picture_association(picture: StoryPicture, number: int) -> dict:
    """A picture as a ninjs association: its renditions, credit (`by`) and rights."""
    association = {
        "name": "featureimage" if picture.is_lead else f"picture-{number}",
        "rel": "lead-picture" if picture.is_lead else "picture",
        "uri": iri_to_uri(picture.original_url),
        "type": "picture",
        "renditions": [
            {
                "name": f"{r.crop}-{r.width}-{r.format}",
                "href": iri_to_uri(r.url),
                "contentType": r.content_type,
                "width": r.width,
                "height": r.height,
                **({"aspectRatio": r.aspect_ratio} if r.aspect_ratio else {}),
            }
            for r in picture.renditions_or_original
        ],
    }
    if picture.title:
        association["headlines"] = [{"value": picture.title}]
    descriptions = [
        {"role": role, "value": value}
        for role, value in (("caption", picture.caption), ("alt", picture.alt_text))
        if value
    ]
    if descriptions:
        association["descriptions"] = descriptions
    if picture.credit:
        association["by"] = picture.credit
    if picture.copyright_notice:
        association["copyrightNotice"] = picture.copyright_notice
    terms = _usage_terms(picture)
    if terms:
        association["usageTerms"] = terms
    return association


def story_ninjs(story: Story) -> dict:
    """The public story as a full ninjs 3.1 document (from a `story_with_parts` story)."""
    body = _body_html(story)
    text = strip_tags(body)
    document = {
        "uri": story_uri(story.slug),
        "standard": STANDARD,
        "type": "text",
        "representationType": "full",
        "profile": f"newsdesk-{story.template.slug}",
        "version": str(story.version),
        "firstCreated": iso(story.published_at or story.created_at),
        "versionCreated": iso(story.updated_at),
        "contentCreated": iso(story.created_at),
        "pubStatus": "usable",
        "language": story.language,
        "slugline": story.slug,
        "headlines": [{"role": "main", "value": story.headline}],
        "genres": [{"name": story.template.name, "literal": story.template.slug}],
        "copyrightHolder": settings.NEWSDESK_SITE_NAME,
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "charCount": len(text),
                "wordCount": len(re.findall(r"\S+", text)),
                "value": body,
            }
        ],
        "renditions": [{"name": "web", "href": story_uri(story.slug), "contentType": "text/html"}],
    }
    descriptions = []
    if story.summary:
        descriptions.append({"role": "summary", "value": story.summary})
    for correction in story.corrections.all():
        descriptions.append(
            {"role": "correction", "value": f"{iso(correction.created_at)}: {correction.text}"}
        )
    faq = list(story.faq_items.all())
    for item in faq:
        descriptions.append({"role": "faq", "value": f"{item.question}\n{item.answer}"})
    if descriptions:
        document["descriptions"] = descriptions
    byline = _byline(story)
    if byline:
        document["by"] = byline
    if story.has_dateline:
        document["located"] = story.dateline_place
    if story.embargo_until:
        document["embargoedUntil"] = iso(story.embargo_until)
    document.update(_entities(story))
    associations = [
        _picture_association(picture, number)
        for number, picture in enumerate(story_pictures(story), start=1)
    ]
    associations += [_association(story, c) for c in story.citations.all()]
    if associations:
        document["associations"] = associations
    return document


def story_ninjs_withdrawn(story: Story) -> dict:
    """A withdrawn story as ninjs: a kill notice (`pubStatus: canceled`) without its content."""
    document = {
        "uri": story_uri(story.slug),
        "standard": STANDARD,
        "type": "text",
        "representationType": "partial",
        "version": str(story.version),
        "versionCreated": iso(story.withdrawn_at or story.updated_at),
        "pubStatus": "canceled",
        "language": story.language,
        "slugline": story.slug,
        "edNote": "Withdrawn: remove this story and any copy of it."
        + (f" Reason: {story.withdrawn_reason}" if story.withdrawn_reason else ""),
    }
    if story.published_at:
        document["firstCreated"] = iso(story.published_at)
    if story.withdrawn_reason:
        document["descriptions"] = [{"role": "withdrawal", "value": story.withdrawn_reason}]
    return document
