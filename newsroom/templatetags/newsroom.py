"""Template filters for the discussion panel."""

from django import template
from django.utils.safestring import mark_safe

from stories.rendering import render_markdown

register = template.Library()


@register.filter
def newsroom_markdown(text: str) -> str:
    """A comment's Markdown, sanitised exactly like story text."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - nh3 cleaned it
