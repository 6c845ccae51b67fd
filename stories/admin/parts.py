"""The story's parts as inlines on its page: sections, bylines, citations, FAQ items,
entity links (editable exactly when the story is), corrections and workflow history (read
only). They collect input; `StoryAdmin.save_related` saves it through `stories.services`."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from sources.admin import CitationInline
from stories import permissions
from stories.admin.quick import QuickPartForms
from stories.models import (
    Byline,
    Correction,
    FAQItem,
    SectionKind,
    StoryEntity,
    StorySection,
    StoryTransition,
)
from stories.widgets import PrefetchedAutocompleteMixin, PrefetchedRelationsForm


def _posted_version(request) -> int | None:
    try:
        return int(request.POST.get("loaded_version", ""))
    except ValueError:
        return None


def story_editable(request, story) -> bool:
    """May this request change this story (and its parts)?

    Besides the rule in `permissions.story_can_edit`, a POST of a form loaded at an older
    version is let through to the form's version check: that check refuses it and shows the
    person their typed text back, where a bare 403 would lose it. Nothing stale is ever saved.
    """
    user = request.user
    if story is None:
        return user.has_perm("stories.change_story") or user.has_perm(permissions.CHANGE_ANY)
    if permissions.story_can_edit(user, story):
        return True
    posted = _posted_version(request) if request.method == "POST" else None
    # Only an older version: the locked check in the form then always refuses it.
    return (
        posted is not None
        and posted < story.version
        and user.has_perm("stories.change_story")
        and request.resolver_match is not None
        and request.resolver_match.url_name == "stories_story_change"
    )


class StoryPartPermissions:
    """A story's parts are editable exactly when the story is."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            obj is None or story_editable(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or story_editable(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or story_editable(request, obj)
        )


class StorySectionInline(QuickPartForms, StoryPartPermissions, admin.StackedInline):
    """The story's sections in template order, each with the template's guidance above it."""

    model = StorySection
    template = "stories/admin/stacked_inline.html"
    extra = 0
    can_delete = False
    fields = ["guidance", "body"]
    readonly_fields = ["guidance"]
    verbose_name_plural = "Sections"

    # Sections whose items are edited in their own inline, by kind: no body box of their own.
    ITEMS_INLINE = {
        SectionKind.CITATIONS: "citations",
        SectionKind.FAQ: "faq_items",
        SectionKind.ENTITIES: "entity_links",
    }

    def has_add_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        items_inline = self.ITEMS_INLINE

        def add_fields(self, form, index):
            formset.add_fields(self, form, index)
            section = form.instance
            # An old body is still shown, so no text is ever hidden from its authors.
            if section.kind in items_inline and not section.body and "body" in form.fields:
                form.fields["body"].widget = forms.HiddenInput()

        return type(formset.__name__, (formset,), {"add_fields": add_fields})

    @admin.display(description="About")
    def guidance(self, section):
        required = " · required" if section.required else ""
        items = f" · at least {section.min_items} items" if section.min_items else ""
        where = ""
        if section.kind in self.ITEMS_INLINE:
            where = format_html(
                ' <a href="#{}-group">Its items are edited below.</a>',
                self.ITEMS_INLINE[section.kind],
            )
        return format_html(
            '<strong class="section-heading">{}</strong> <span class="quiet">({}{}{})</span>'
            '<div class="help">{}{}</div>',
            section.heading,
            section.get_kind_display(),
            required,
            items,
            section.help_text,
            where,
        )


class BylineForm(PrefetchedRelationsForm):
    prefetched = ("user",)


class BylineInline(
    QuickPartForms, StoryPartPermissions, PrefetchedAutocompleteMixin, admin.TabularInline
):
    model = Byline
    form = BylineForm
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "order"]
    verbose_name_plural = "Bylines"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class FAQItemInline(QuickPartForms, StoryPartPermissions, admin.StackedInline):
    model = FAQItem
    template = "stories/admin/stacked_inline.html"
    extra = 0
    fields = [("question", "order"), "answer"]


class StoryEntityForm(PrefetchedRelationsForm):
    prefetched = ("entity",)


class StoryEntityInline(
    QuickPartForms, StoryPartPermissions, PrefetchedAutocompleteMixin, admin.TabularInline
):
    model = StoryEntity
    form = StoryEntityForm
    extra = 0
    autocomplete_fields = ["entity"]
    fields = ["entity", "role", "order"]
    verbose_name_plural = "Entities (more on these topics)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class StoryCitationInline(QuickPartForms, StoryPartPermissions, CitationInline):
    """The sources app's citation inline, editable when the story is."""

    template = "stories/admin/stacked_inline.html"


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["created_at", "text", "created_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StoryTransitionInline(admin.TabularInline):
    """Every workflow step on the story: who, when, from, to, and their comment."""

    model = StoryTransition
    extra = 0
    fields = ["at", "action", "from_status", "to_status", "by", "comment"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Workflow history"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")
