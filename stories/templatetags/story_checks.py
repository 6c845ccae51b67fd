from django import template
from django.urls import reverse
from django.utils.http import urlencode

from stories.checks import ERROR, checklist_cached

register = template.Library()


@register.inclusion_tag("admin/stories/story/_checklist.html", takes_context=True)
def story_checklist(context, story):
    """The checklist panel on a story's admin page: every finding, errors first, with its fix.

    Entity suggestions get a one-click "Link" button and unknown words an "Add to dictionary"
    link, for users allowed to make those changes.
    """
    findings, labels = checklist_cached(story)
    request = context.get("request")
    user = getattr(request, "user", None)
    can_link = bool(user and user.has_perm("stories.change_story"))
    can_add_word = bool(user and user.has_perm("stories.add_dictionaryword"))
    dictionary_add = reverse("admin:stories_dictionaryword_add")
    rows = []
    for finding in findings:
        row = {"finding": finding, "label": labels.get(finding.target, finding.target)}
        if finding.code == "entity-not-linked" and can_link:
            row["link_entity"] = finding.subject
        if finding.code == "unknown-word" and can_add_word:
            row["add_word_url"] = f"{dictionary_add}?{urlencode({'word': finding.subject})}"
        rows.append(row)
    return {
        "story": story,
        "rows": rows,
        "csrf_token": context.get("csrf_token"),
        "request": request,  # its CSP nonce, for the panel's inline script
        "errors": sum(1 for f in findings if f.severity == ERROR),
        "warnings": sum(1 for f in findings if f.severity != ERROR),
        "link_url": reverse("desk:story-link-entity", args=[story.pk]),
        "import_url": reverse("desk:import"),
        "stale_url": reverse("desk:stale-entities"),
    }
