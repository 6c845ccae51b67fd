"""`{% story_jsonld story %}`: the schema.org JSON-LD of a public story page."""

from django import template

from stories import jsonld

register = template.Library()


@register.simple_tag
def story_jsonld(story):
    return jsonld.story_jsonld(story)
