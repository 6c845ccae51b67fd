"""The story page: the form, its save through `stories.services.story_update`, the workflow
buttons, revisions and the recovery of deleted stories."""

import datetime as dt
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal

from pictures.admin import PlacementInline
from stories import checks, permissions, revisions, selectors, services, visibility, workflow
from stories.admin.editing import StoryEditingViews
from stories.admin.parts import (
    BylineInline,
    CorrectionInline,
    FAQItemInline,
    StoryCitationInline,
    StoryEntityInline,
    StorySectionInline,
    StoryTransitionInline,
    story_editable,
)
from stories.admin.revisions import StoryRevisionViews
from stories.admin.wording import person, when
from stories.models import (
    Byline,
    SectionKind,
    Story,
    StorySection,
    StoryStatus,
    StoryTemplate,
    StoryTransition,
)


class StoryAdminForm(forms.ModelForm):
    """The story form, carrying the version it was loaded at so a stale save is refused."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    update_live = forms.BooleanField(
        required=False,
        label="Update the live story",
        help_text="Readers and partners get this change as soon as it is saved; it is logged "
        "as a live update in the story's history.",
    )
    # Set by StoryAdmin.get_form: a refusal the service raised on the first try of this POST,
    # shown on the re-displayed form with the typed text.
    refusal = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        elif "slug" in self.fields:
            # A draft needs only its headline: the service makes the slug from it.
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # The row lock holds until the admin's transaction ends, so of two saves of the same
        # version exactly one gets through; the other waits, then sees the new version here.
        current = (
            Story.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .filter(pk=self.instance.pk)
            .first()
        )
        if current is None:
            raise ValidationError(
                "This story was deleted while you were editing it. Copy your text from the "
                "form below; an editor can recover the story from the deleted stories list.",
                code="deleted",
            )
        loaded = cleaned.get("loaded_version")
        if loaded != current.version:
            raise ValidationError(self.conflict_message(current, loaded), code="conflict")
        if self.refusal is not None:
            if isinstance(self.refusal, services.LiveUpdateUnconfirmed):
                self.add_error("update_live", "Tick this to save your change to the live story.")
            raise ValidationError(" ".join(self.refusal.reasons), code="refused")
        return cleaned

    @staticmethod
    def conflict_message(current: Story, loaded: int | None) -> str:
        step = (
            StoryTransition.objects.filter(story=current, at=current.updated_at)
            .order_by("-id")
            .first()
        )
        did = (
            f" ({workflow.ACTIONS[step.action].done})"
            if step and step.action in workflow.ACTIONS
            else ""
        )
        opened = f"you opened version {loaded}" if loaded else "your form has no version"
        return (
            f"{person(current.updated_by)} changed this story at {when(current.updated_at)}"
            f"{did}, after you opened it: it is now version {current.version}; {opened}. "
            "Nothing was saved, so nothing of theirs was overwritten. Your text is still in the "
            "form below: copy what you need, reload the page to see their changes, and apply "
            "yours again."
        )


@admin.register(Story)
class StoryAdmin(StoryEditingViews, StoryRevisionViews, admin.ModelAdmin):
    form = StoryAdminForm
    list_display = ["headline", "template", "status", "byline_names", "published_at", "updated_at"]
    list_filter = [
        "status",
        "template",
        ("bylines", admin.RelatedOnlyFieldListFilter),
        "published_at",
        "created_at",
    ]
    # Sections' bodies are searched by `get_search_results` (a subquery, not a join).
    search_fields = ["headline", "summary"]
    search_help_text = "Searches headlines, summaries and the text of every section."
    date_hierarchy = "created_at"
    list_select_related = ["template"]
    list_per_page = 50
    # With tens of thousands of stories, "N of M selected" is not worth counting every table.
    show_full_result_count = False
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = [
        "status",
        "version",
        "created_at",
        "updated_at",
        "updated_by",
        "published_at",
        "scheduled_for",
        "embargo_until",
        "withdrawn_at",
        "withdrawn_reason",
        "preview_link",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "summary", "template", "preview_link"]}),
        ("Dateline and language", {"fields": [("dateline_place", "dateline_date"), "language"]}),
        (
            "Status",
            {
                "fields": [
                    ("status", "version"),
                    ("created_at", "updated_at", "updated_by"),
                    ("published_at", "scheduled_for", "embargo_until"),
                    ("withdrawn_at", "withdrawn_reason"),
                ]
            },
        ),
    ]

    class Media:
        css = {"all": ["stories/admin/story_form.css"]}
        js = [
            "stories/vendor/sortablejs/Sortable.min.js",
            "stories/vendor/htmx/htmx.min.js",
            "stories/admin/story_form.js",
        ]

    def get_inlines(self, request, obj):
        # A new story's sections come from its template when it is first saved; its citations,
        # FAQ items and entity links can be added at once.
        if obj is None:
            return [PlacementInline, StoryCitationInline, FAQItemInline, StoryEntityInline]
        return [
            BylineInline,
            StorySectionInline,
            PlacementInline,
            StoryCitationInline,
            FAQItemInline,
            StoryEntityInline,
            CorrectionInline,
            StoryTransitionInline,
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("template")
            if obj.published_at:
                fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.published_at else self.prepopulated_fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # Listed here, not only in list_select_related: the changelist skips that once the
            # queryset already has a select_related, and would then query each row's template.
            .select_related("updated_by", "template")
            .prefetch_related(
                Prefetch("byline_links", queryset=Byline.objects.select_related("user"))
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Headline and summary as usual, plus any section's body through a subquery of story
        ids (one pass over the sections, from the full-text index on PostgreSQL:
        `selectors.story_ids_with_text`): a join would need DISTINCT over every story.

        The matching ids are read once: the list's count, date drill-down and page would each
        scan every section's text again otherwise."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, "")
        if not search_term.strip():
            return queryset, may_have_duplicates
        matching = queryset
        for word in smart_split(search_term):
            phrase = word[0] in "\"'" and word[-1] == word[0] and len(word) > 1
            if phrase:
                word = unescape_string_literal(word)  # "a quoted phrase" is one term
            in_sections = selectors.story_ids_with_text(word, phrase=phrase)
            matching = matching.filter(
                Q(headline__icontains=word) | Q(summary__icontains=word) | Q(pk__in=in_sections)
            )
        ids = list(matching.order_by().values_list("pk", flat=True))
        return queryset.filter(pk__in=ids), may_have_duplicates

    # --- Who may do what (rules in stories.permissions) --------------------------------------

    def has_change_permission(self, request, obj=None):
        return story_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("stories.delete_story") and permissions.is_editor(
                request.user
            )
        return permissions.story_can_delete(request.user, obj)

    @admin.display(description="Bylines")
    def byline_names(self, story):
        return ", ".join(str(link) for link in story.byline_links.all())

    @admin.display(description="On site")
    def preview_link(self, story):
        if not story.pk:
            return "Available after the first save."
        label = "View on site" if visibility.story_is_visible(story) else "Preview (staff only)"
        return format_html('<a href="{}" target="_blank">{}</a>', story.get_absolute_url(), label)

    # --- Saving: only what the form changed, then one counted change and revision -------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"refusal": getattr(request, "story_refusal", None)})

    def save_model(self, request, obj, form, change):
        # A change is saved with its parts in one service call (save_related).
        if not change:
            services.story_create(story=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        changes = self.story_changes(form, formsets)
        if not change:
            changes.fields = {}  # saved by story_create already
            changes.saved += self.sections_typed_before_saving(request, form.instance)
        story = services.story_update(
            story=form.instance,
            by=request.user,
            changes=changes,
            expected_version=form.cleaned_data.get("loaded_version") if change else None,
            live_update=bool(form.cleaned_data.get("update_live")),
        )
        # What an autosave tells the page: the version it now edits, and the ids new parts got.
        request.story_saved = {
            "version": story.version,
            "new_parts": {
                prefix: change.part.pk for prefix, change in changes.new_by_prefix.items()
            },
            "deleted": len(changes.deleted),
        }
        if change:
            # The same checklist as the panel (and remembered for it once the save commits),
            # so the counts here and there always agree.
            checklist = services.story_checklist(story, in_save=True)
            level = messages.WARNING if checklist["errors"] else messages.INFO
            self.message_user(request, checks.findings_summary(checklist["open"]), level)

    @staticmethod
    def sections_typed_before_saving(request, story) -> list:
        """The section texts typed on the add page (`section_body__<template>__<key>`), put into
        the sections the new story just got from its template."""
        typed = []
        for section in story.sections.all():
            body = request.POST.get(f"section_body__{story.template_id}__{section.key}", "")
            if body.strip():
                section.body = body
                typed.append(services.PartChange(part=section, changed=["body"]))
        return typed

    @classmethod
    def story_changes(cls, form, formsets) -> services.StoryChanges:
        """What the form and its inlines changed, for `services.story_update` to save."""
        changes = services.StoryChanges(
            fields={
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.EDITABLE_FIELDS
            }
        )
        changes.new_by_prefix = {}
        for formset in formsets:
            formset.save(commit=False)  # sorts the forms into new, changed and deleted; saves none
            by_instance = {id(f.instance): f for f in formset.forms}
            new = {id(part) for part in formset.new_objects}
            for part in formset.new_objects + [obj for obj, _ in formset.changed_objects]:
                part_form = by_instance.get(id(part))
                change = services.PartChange(
                    part=part,
                    changed=list(part_form.changed_data) if part_form else [],
                    fetch_again=bool(part_form and part_form.cleaned_data.get("fetch_again")),
                )
                changes.saved.append(change)
                if id(part) in new and part_form is not None:
                    changes.new_by_prefix[part_form.prefix] = change
            changes.deleted.extend(formset.deleted_objects)
        changes.note = cls.change_summary(form, formsets)
        return changes

    @staticmethod
    def change_summary(form, formsets) -> str:
        """The revision's note: "Changed headline; sections: “What's happened”; citations: 1 added."."""
        parts = []
        fields = [
            form.fields[n].label or n
            for n in form.changed_data
            if n not in ("loaded_version", "update_live")
        ]
        if fields:
            parts.append("Changed " + ", ".join(str(f).lower() for f in fields))
        for formset in formsets:
            noun = formset.model._meta.verbose_name_plural
            bits = []
            if formset.model is StorySection and formset.changed_objects:
                bits.append(", ".join(f"“{obj.heading}”" for obj, _ in formset.changed_objects))
            elif formset.changed_objects:
                bits.append(f"{len(formset.changed_objects)} changed")
            if formset.new_objects:
                bits.append(f"{len(formset.new_objects)} added")
            if formset.deleted_objects:
                bits.append(f"{len(formset.deleted_objects)} deleted")
            if bits:
                parts.append(f"{noun}: {'; '.join(bits)}")
        return ("; ".join(parts) + ".") if parts else "Saved."

    def response_add(self, request, obj, post_url_continue=None):
        # Straight on to the sections the template just gave the story.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            self.message_user(request, f"“{obj}” was created. Fill in its sections below.")
            return HttpResponseRedirect(reverse("admin:stories_story_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj):
        services.story_delete(story=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for story in queryset:
            try:
                services.story_delete(story=story, by=request.user)
            except workflow.WorkflowError as refused:
                messages.error(request, f"“{story}” was not deleted: {refused}")

    # --- Workflow buttons: save what was typed, then take the step ---------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        action = request.POST.get("_workflow") if request.method == "POST" else None
        if action and object_id:
            story = self.get_object(request, unquote(object_id))
            if story is not None:
                self.check_action_allowed(request, story, action)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.TransitionForbidden as refused:
            raise PermissionDenied(str(refused)) from refused
        except workflow.TransitionRefused as refused:
            # The service refused the save (and rolled it back): show the form again with the
            # typed text and the reason at the top, as a validation error would.
            request.story_refusal = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def check_action_allowed(request, story, action: str) -> None:
        """403 for a step this person may not take, before anything is saved."""
        if action not in workflow.ACTIONS:
            raise PermissionDenied(f"Unknown workflow action “{action}”.")
        reason = permissions.refusal(action, story, request.user)
        if reason:
            raise PermissionDenied(reason)

    def response_change(self, request, obj):
        action = request.POST.get("_workflow")
        if action:
            self.take_step(request, obj, action)
            return HttpResponseRedirect(reverse("admin:stories_story_change", args=[obj.pk]))
        return super().response_change(request, obj)

    def take_step(self, request, story, action: str) -> bool:
        """Run one workflow step with the panel's inputs; report the outcome as a message."""
        step = workflow.ACTIONS[action]
        if step.confirm and request.POST.get(f"{action}_confirm") != "yes":
            messages.error(
                request,
                f"“{step.label}” was not done: tick “{step.confirm}” to confirm. "
                "Nothing else was changed.",
            )
            return False
        comment = request.POST.get(f"{action}_comment", "")
        try:
            at = self.posted_time(request, f"{action}_at")
            story = workflow.story_act(
                story=story, action=action, by=request.user, comment=comment, at=at
            )
        except workflow.TransitionForbidden as refused:
            raise PermissionDenied(str(refused)) from refused
        except workflow.TransitionRefused as refused:
            # Plain lines: a nested list would pick up the admin's message styling.
            items = format_html_join("", "<br>– {}", ((r,) for r in refused.reasons))
            messages.error(
                request, format_html("“{}” was refused. Fix this first:{}", step.label, items)
            )
            return False
        done = f"“{story.headline}” {step.done}"
        if action == "schedule":
            done += f": it goes live at {when(story.scheduled_for)}"
        elif action == "publish" and story.embargo_until and not visibility.story_is_visible(story):
            done += f", under embargo until {when(story.embargo_until)}"
        messages.success(request, done + ".")
        return True

    @staticmethod
    def posted_time(request, name: str):
        """A datetime-local input, read in the site's time zone."""
        raw = request.POST.get(name, "").strip()
        if not raw:
            return None
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise workflow.TransitionRefused(
                f"“{raw}” is not a date and time: use the picker, e.g. 2025-11-08 14:30."
            ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_current_timezone())
        return moment

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow"] = self.workflow_context(request, obj)
            context["part_limits_json"] = json.dumps(
                self.part_limits(obj, context.get("inline_admin_formsets", []))
            )
            context["autosave"] = obj.status == StoryStatus.DRAFT and permissions.story_can_edit(
                request.user, obj
            )
        context["preview_url"] = reverse("admin:stories_story_preview")
        if add:
            posted = request.POST if request.method == "POST" else {}
            context["templates_to_write"] = [
                {
                    "template": template,
                    "sections": [
                        {
                            "section": section,
                            "name": f"section_body__{template.pk}__{section.key}",
                            "body": posted.get(f"section_body__{template.pk}__{section.key}", ""),
                        }
                        for section in template.sections.all()
                        if section.kind == SectionKind.TEXT
                    ],
                }
                for template in StoryTemplate.objects.prefetch_related("sections").order_by("name")
            ]
        if obj is not None and obj.pk:
            context["autosave_url"] = reverse("admin:stories_story_autosave", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def part_limits(story, inline_admin_formsets=()) -> dict:
        """The template's item counts for each part, by inline prefix: {"faq_items": [8, 12]}.

        Read from the sections the page's section inline has loaded already: no query."""
        prefixes = {
            SectionKind.CITATIONS: "citations",
            SectionKind.FAQ: "faq_items",
            SectionKind.ENTITIES: "entity_links",
        }
        sections = next(
            (
                [form.instance for form in inline.formset.forms]
                for inline in inline_admin_formsets
                if inline.formset.model is StorySection
            ),
            None,
        )
        return {
            prefixes[section.kind]: [section.min_items, section.max_items]
            for section in (story.sections.all() if sections is None else sections)
            if section.kind in prefixes
        }

    def workflow_context(self, request, story) -> dict:
        """What the workflow panel shows: state, the last step's note, the allowed buttons."""
        last = (
            StoryTransition.objects.filter(story=story).select_related("by").order_by("-at", "-id")
        ).first()
        posted = request.POST if request.method == "POST" else {}
        steps = [
            {
                "action": action,
                "comment": posted.get(f"{action.name}_comment", ""),
                "at": posted.get(f"{action.name}_at", ""),
            }
            for action in workflow.story_actions_for(story=story, user=request.user)
        ]
        return {
            "steps": steps,
            "last": last,
            "editable": permissions.story_can_edit(request.user, story),
            "is_editor": permissions.is_editor(request.user),
            "now": timezone.localtime(),
            "revision_count": revisions.story_versions(story).count(),
            "revisions_url": reverse("admin:stories_story_revisions", args=[story.pk]),
        }

    # --- Extra pages: a step by URL, revisions, deleted stories -------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/workflow/<str:action>/",
                view(self.workflow_view),
                name="stories_story_workflow",
            ),
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name="stories_story_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                view(self.revision_compare_view),
                name="stories_story_revision_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.revision_restore_view),
                name="stories_story_revision_restore",
            ),
            path(
                "<path:object_id>/autosave/",
                view(self.autosave_view),
                name="stories_story_autosave",
            ),
            path("preview/", view(self.preview_view), name="stories_story_preview"),
            path("deleted/", view(self.deleted_view), name="stories_story_deleted"),
            path(
                "deleted/<int:version_id>/recover/",
                view(self.recover_view),
                name="stories_story_recover",
            ),
            *super().get_urls(),
        ]

    def _story_or_404(self, request, object_id) -> Story:
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("No such story.")
        if not self.has_view_or_change_permission(request, story):
            raise PermissionDenied
        return story

    def _page(self, request, template: str, story: Story | None, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": story,
                **context,
            },
        )

    def workflow_view(self, request, object_id, action):
        """POST a step without the form (scripts, links): acts on the story as saved."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self._story_or_404(request, object_id)
        self.check_action_allowed(request, story, action)
        self.take_step(request, story, action)
        return HttpResponseRedirect(reverse("admin:stories_story_change", args=[story.pk]))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_recover": self._can_recover(request)}
        return super().changelist_view(request, extra_context)
