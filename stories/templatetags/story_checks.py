from django import template

from stories.checks import story_findings

register = template.Library()


@register.inclusion_tag("admin/stories/story/_checklist.html")
def story_checklist(story):
    """The checklist panel on a story's admin page: every finding, errors first."""
    findings = story_findings(story)
    return {
        "findings": findings,
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
    }
