"""Pictures on the public story page: the lead picture, pictures between a section's
paragraphs, and the page's OpenGraph and Twitter card tags. All from what the page's query
already carried (`pictures.selectors.story_pictures`): no queries."""

import re

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from pictures.selectors import StoryPicture, section_pictures, story_lead_picture

register = template.Library()

# The page's column is 44rem wide (base.html); below that the picture fills the screen.
SIZES = "(min-width: 44rem) 42rem, 100vw"
# The end of a paragraph: a picture "after paragraph N" goes after the Nth of these.
PARAGRAPH_END = re.compile(r"</p>\s*")


def _srcset(renditions) -> str:
    return ", ".join(f"{r.src} {r.width}w" for r in renditions)


@register.inclusion_tag("stories/_picture.html")
def picture(picture: StoryPicture, *, crop: str = "original", lead: bool = False):
    """A <figure> with a <picture>: the modern format's srcset, a JPEG srcset and fallback,
    width and height set (no layout shift), alt text, caption and credit."""
    jpegs = picture.crop(crop, "jpeg")
    modern = [
        {"type": r[0].content_type, "srcset": _srcset(r)}
        for fmt in settings.NEWSDESK_PICTURE_FORMATS
        if fmt != "jpeg" and (r := picture.crop(crop, fmt))
    ]
    fallback = next((r for r in jpegs if r.width >= 960), jpegs[-1] if jpegs else None)
    if fallback is None:  # renditions still being computed: the original, scaled by the browser
        fallback = picture.best(crop)
    return {
        "picture": picture,
        "lead": lead,
        "sources": modern,
        "srcset": _srcset(jpegs),
        "sizes": SIZES,
        "src": fallback.src,
        "width": fallback.width,
        "height": fallback.height,
    }


@register.simple_tag
def lead_picture_of(story):
    """The story's lead picture, or None."""
    return story_lead_picture(story)


@register.simple_tag
def section_with_pictures(story, section):
    """The section's HTML with its pictures after the paragraphs they are placed after."""
    body = section.body_html or ""
    placed = section_pictures(story, section.pk)
    if not placed:
        return mark_safe(body)  # noqa: S308 - sanitized when the section was saved
    rendered = template.loader.get_template("stories/_picture.html")
    ends = [m.end() for m in PARAGRAPH_END.finditer(body)]
    cuts: dict[int, list[str]] = {}
    for item in placed:
        at = (
            ends[item.paragraph - 1]
            if 0 < item.paragraph <= len(ends)
            else (0 if item.paragraph == 0 else len(body))
        )
        cuts.setdefault(at, []).append(rendered.render(picture(item, crop="original")))
    html, last = [], 0
    for at in sorted(cuts):
        html += [body[last:at], *cuts[at]]
        last = at
    html.append(body[last:])
    return mark_safe("".join(html))  # noqa: S308 - sanitized body and escaped templates


@register.inclusion_tag("stories/_head_meta.html")
def story_head_meta(story):
    """Canonical link, OpenGraph and Twitter card tags of a story page."""
    lead = story_lead_picture(story)
    return {
        "story": story,
        "url": f"{settings.NEWSDESK_SITE_URL}{story.get_absolute_url()}",
        "site_name": settings.NEWSDESK_SITE_NAME,
        "lead": lead,
        "image": lead.best("16x9") if lead else None,
    }
