"""Staff pages for the desk, styled like the admin: import a story from text, the entity cards
due for review, and the one-click link of an entity the checklist suggests.

Each view parses input, calls `stories.importing` or a selector in `stories.checks`, and renders.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from stories import permissions, services, workflow
from stories.checks import entities_stale, entity_review_cutoff, story_language
from stories.importing import (
    MAX_TEXT_CHARS,
    StoryImportRefused,
    story_import,
    story_import_findings,
    story_text_parse,
)
from stories.models import Entity, EntityKind, Story, StoryStatus, StoryTemplate
from stories.plain_text import text_cleaned

MAX_UPLOAD_BYTES = MAX_TEXT_CHARS * 4  # UTF-8 takes at most four bytes a character


class StoryImportForm(forms.Form):
    """The text to import (pasted or as a file), the template it follows, an optional headline."""

    template = forms.ModelChoiceField(
        queryset=StoryTemplate.objects.order_by("name"),
        to_field_name="slug",
        empty_label=None,
        help_text="The kind of story the text is: its headings are matched to this template's.",
    )
    headline = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave empty to take the headline from the text's first line.",
    )
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22, "cols": 100, "class": "vLargeTextField"}),
        help_text="Plain text or Markdown: section headings on their own lines, “- ” bullets, "
        "FAQ questions followed by their answers, entity cards as “Name is a …” paragraphs, "
        "attributions like “(Al Jazeera, Nov 8)”.",
    )
    file = forms.FileField(
        required=False, help_text="Or a .txt or .md file (UTF-8). It replaces the text above."
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    f"The file is {upload.size:,} bytes; the import takes at most "
                    f"{MAX_UPLOAD_BYTES:,}. Split it into smaller stories."
                )
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    "The file is not UTF-8 text: save it as UTF-8 (or paste the text) and try "
                    "again."
                ) from None
        if not (cleaned.get("text") or "").strip():
            raise forms.ValidationError("Paste the story's text or choose a file to import.")
        return cleaned


def admin_page(request, template_name: str, context: dict):
    return render(request, template_name, {**admin.site.each_context(request), **context})


@admin.site.admin_view
def story_import_page(request):
    """Import story from text: preview what the import understood, then save it as a draft."""
    if not request.user.has_perm("stories.add_story"):
        raise PermissionDenied("Only users who may add stories can import them.")
    draft = findings = None
    if request.method == "POST":
        form = StoryImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            draft = story_text_parse(
                text=data["text"], template=data["template"], headline=data["headline"]
            )
            if request.POST.get("action") == "save" and draft.can_save:
                try:
                    story = story_import(draft=draft, by=request.user)
                except StoryImportRefused as refused:  # pragma: no cover - checked just above
                    draft.problems = refused.problems
                else:
                    messages.success(
                        request,
                        f"“{story.headline}” was imported as a draft: check the checklist "
                        "above its sections before submitting it.",
                    )
                    return HttpResponseRedirect(
                        reverse("admin:stories_story_change", args=[story.pk])
                    )
            findings = story_import_findings(draft=draft, by=request.user)
            # The preview's text is what gets saved: a chosen file's words go into the text box,
            # without the characters the notes say were removed (a NUL would fail the form).
            form = StoryImportForm(
                initial={
                    "template": data["template"].slug,
                    "headline": data["headline"],
                    "text": text_cleaned(data["text"], one_line=False)[0],
                }
            )
    else:
        form = StoryImportForm()
    return admin_page(
        request,
        "admin/desk/import.html",
        {
            "title": "Import story from text",
            "form": form,
            "draft": draft,
            "findings": findings,
            "errors": sum(1 for f, _ in findings or [] if f.severity == "error"),
        },
    )


@admin.site.admin_view
def stale_entities_page(request):
    """Entity cards due for the research desk, the ones used by stories in progress first."""
    if not request.user.has_perm("stories.view_entity"):
        raise PermissionDenied("Only users who may view entities can see this list.")
    in_progress = [StoryStatus.DRAFT, StoryStatus.IN_REVIEW, StoryStatus.SCHEDULED]
    entities = entities_stale().annotate(
        in_progress=Count(
            "story_links", filter=Q(story_links__story__status__in=in_progress), distinct=True
        ),
        published=Count(
            "story_links",
            filter=Q(story_links__story__status=StoryStatus.PUBLISHED),
            distinct=True,
        ),
    )
    kind = request.GET.get("kind", "")
    if kind in EntityKind.values:
        entities = entities.filter(kind=kind)
    entities = entities.order_by(
        "-in_progress", F("reviewed_at").asc(nulls_first=True), "name", "pk"
    )
    page = Paginator(entities, 100).get_page(request.GET.get("page"))
    return admin_page(
        request,
        "admin/desk/stale_entities.html",
        {
            "title": "Entity cards due for review",
            "page": page,
            "kind": kind,
            "kinds": EntityKind.choices,
            "cutoff": entity_review_cutoff(),
            "review_days": settings.NEWSDESK_ENTITY_REVIEW_DAYS,
        },
    )


@require_POST
@admin.site.admin_view
def story_link_entity(request, story_id: int):
    """The checklist's one-click fix: link a known entity the story mentions."""
    story = get_object_or_404(Story, pk=story_id)
    if not permissions.story_can_edit(request.user, story):
        raise PermissionDenied("You may not change this story.")
    entity_id = request.POST.get("entity", "")
    if not entity_id.isdigit():
        return HttpResponseBadRequest("Say which entity to link (its id in “entity”).")
    entity = get_object_or_404(Entity, pk=int(entity_id))
    services.story_link_entity(story=story, entity=entity, by=request.user)
    messages.success(request, f"“{entity.name}” is now linked to this story.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("admin:stories_story_change", args=[story.pk])
    return HttpResponseRedirect(back)


@admin.site.admin_view
def story_dictionary_add(request, story_id: int):
    """The checklist's "Add to dictionary": the admin's form for a new dictionary word, filled
    in with the word and the story's language, so a German word goes to the German list."""
    story = get_object_or_404(Story, pk=story_id)
    if not request.user.has_perm("stories.add_dictionaryword"):
        raise PermissionDenied("You may not add words to the newsroom dictionary.")
    word = request.GET.get("word", "").strip()
    if not word:
        return HttpResponseBadRequest("Say which word to add (in “word”).")
    query = urlencode({"word": word, "language": story_language(story)})
    return HttpResponseRedirect(f"{reverse('admin:stories_dictionaryword_add')}?{query}")


def _back_to_story(request, story) -> HttpResponseRedirect:
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("admin:stories_story_change", args=[story.pk])
    return HttpResponseRedirect(back + "#checklist")


@require_POST
@admin.site.admin_view
def story_warning_accept(request, story_id: int):
    """The checklist's "Accept": an editor quiets one warning, with a note, until its text
    changes."""
    story = get_object_or_404(Story, pk=story_id)
    try:
        services.story_warning_accept(
            story=story,
            by=request.user,
            fingerprint=request.POST.get("fingerprint", ""),
            note=request.POST.get("note", ""),
        )
    except workflow.TransitionForbidden as refused:
        raise PermissionDenied(str(refused)) from refused
    except workflow.TransitionRefused as refused:
        messages.error(request, f"Not accepted: {refused}")
    else:
        messages.success(request, "Warning accepted; it stays quiet until its text changes.")
    return _back_to_story(request, story)


@require_POST
@admin.site.admin_view
def story_warning_reopen(request, story_id: int):
    story = get_object_or_404(Story, pk=story_id)
    try:
        services.story_warning_reopen(
            story=story, by=request.user, fingerprint=request.POST.get("fingerprint", "")
        )
    except workflow.TransitionForbidden as refused:
        raise PermissionDenied(str(refused)) from refused
    messages.success(request, "The warning is back on the checklist.")
    return _back_to_story(request, story)


class EntityReviewFilter(SimpleListFilter):
    """For EntityAdmin.list_filter: cards due for review (stale) or reviewed lately (fresh)."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("stale", "Due for review"), ("fresh", "Reviewed lately")]

    def queryset(self, request, queryset):
        stale = Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=entity_review_cutoff())
        if self.value() == "stale":
            return queryset.filter(stale)
        if self.value() == "fresh":
            return queryset.exclude(stale)
        return queryset
