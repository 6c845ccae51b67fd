from django import template
from django.urls import reverse
from django.utils.http import urlencode

from stories import permissions, services

register = template.Library()


@register.inclusion_tag("admin/stories/story/_checklist.html", takes_context=True)
def story_checklist(context, story):
    """The checklist panel on a story's admin page: every finding, errors first, with its fix.

    Each item's label leads to the field it is about. Entity suggestions get a one-click
    "Link" button, unknown words an "Add to dictionary" link, and warnings an "Accept" (with a
    note) for editors who may, for users allowed to make those changes. Accepted warnings are
    listed apart and not counted until their text changes.
    """
    checklist = services.story_checklist(story)
    labels = checklist["labels"]
    request = context.get("request")
    user = getattr(request, "user", None)
    can_link = bool(user and user.has_perm("stories.change_story"))
    can_add_word = bool(user and user.has_perm("stories.add_dictionaryword"))
    any_warning = any(f.severity != "error" for f in checklist["open"]) or checklist["accepted"]
    can_accept = bool(any_warning) and permissions.may_accept_warnings(user, story)
    dictionary_add = reverse("admin:stories_dictionaryword_add")
    rows = []
    for finding in checklist["open"]:
        row = {"finding": finding, "label": labels.get(finding.target, finding.target)}
        if finding.code == "entity-not-linked" and can_link:
            row["link_entity"] = finding.subject
        if finding.code == "unknown-word" and can_add_word:
            row["add_word_url"] = f"{dictionary_add}?{urlencode({'word': finding.subject})}"
        row["may_accept"] = can_accept and finding.severity != "error"
        rows.append(row)
    accepted = [
        {"finding": finding, "ack": ack, "label": labels.get(finding.target, finding.target)}
        for finding, ack in checklist["accepted"]
    ]
    return {
        "story": story,
        "rows": rows,
        "accepted": accepted,
        "may_accept": can_accept,
        "csrf_token": context.get("csrf_token"),
        "request": request,  # its CSP nonce, for the panel's inline script
        "errors": checklist["errors"],
        "warnings": checklist["warnings"],
        "link_url": reverse("desk:story-link-entity", args=[story.pk]),
        "accept_url": reverse("desk:story-warning-accept", args=[story.pk]),
        "reopen_url": reverse("desk:story-warning-reopen", args=[story.pk]),
        "import_url": reverse("desk:import"),
        "stale_url": reverse("desk:stale-entities"),
    }
