"""Outlets, citations and their archived snapshots in the admin.

A citation's link status, archived copy and quote check show on the story page (the inline);
saving a new or changed URL there, or ticking "Fetch again", queues a fetch after the save
commits. Citations are edited only there: the citation list is read-only. Writes go through
`sources.services`.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join

from sources import selectors, services
from sources.models import Citation, LinkStatus, Outlet, QuoteCheck, Snapshot
from stories.widgets import PrefetchedAutocompleteMixin, PrefetchedRelationsForm, set_static_choices

STATUS_COLOURS = {
    LinkStatus.PENDING: "#8a6d00",
    LinkStatus.FETCHED: "#1b7f3a",
    LinkStatus.FAILED: "#b00020",
    LinkStatus.BLOCKED: "#b00020",
    LinkStatus.GONE: "#b00020",
    LinkStatus.CHANGED: "#8a6d00",
}
QUOTE_LABELS = {
    QuoteCheck.VERIFIED: ("✔ quote found in the source", "#1b7f3a"),
    QuoteCheck.NOT_FOUND: ("✘ quote not found in the source", "#b00020"),
}


def link_summary(citation: Citation) -> str:
    """Status, reason, time of the check, archived copy and quote check, in one line."""
    if not citation.pk:
        return "Fetched after saving."
    if not citation.url:
        return "No link."
    parts = [
        format_html(
            '<strong style="color:{}">{}</strong>',
            STATUS_COLOURS.get(citation.link_status, "inherit"),
            citation.get_link_status_display() or "not fetched",
        )
    ]
    if citation.link_reason:
        parts.append(format_html("{}", citation.link_reason))
    if citation.link_checked_at:
        parts.append(
            format_html("checked {}", formats.date_format(citation.link_checked_at, "j M Y H:i"))
        )
    if citation.latest_snapshot_id:
        parts.append(
            format_html(
                '<a href="{}" target="_blank">archived copy</a>', citation.archived_copy_url
            )
        )
    if citation.quote.strip():
        label, colour = QUOTE_LABELS.get(citation.quote_check, ("quote not checked yet", "inherit"))
        parts.append(format_html('<span style="color:{}">{}</span>', colour, label))
    return format_html_join(" · ", "{}", ((p,) for p in parts))


class CitationForm(PrefetchedRelationsForm):
    prefetched = ("outlet",)

    fetch_again = forms.BooleanField(
        required=False,
        label="Fetch again when saving",
        help_text="Fetch the link again, archive it if it changed and re-check the quote.",
    )


class CitationFormSet(BaseInlineFormSet):
    """Offers only the story's own sections, listed once for all rows; after saving, queues a
    fetch for every new or changed link."""

    def save(self, commit=True):
        saved = super().save(commit=commit)
        if commit:
            for form in self.forms:
                citation = form.instance
                if citation.pk is None or form in self.deleted_forms:
                    continue
                if not (form.has_changed() or form.cleaned_data.get("fetch_again")):
                    continue
                services.citation_after_edit(
                    citation=citation,
                    changed=form.changed_data,
                    fetch_again=bool(form.cleaned_data.get("fetch_again")),
                )
        return saved

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "section" not in form.fields:
            return
        if not hasattr(self, "_section_choices"):
            sections = self.instance.sections.all() if self.instance.pk else []
            self._section_choices = [("", "---------")] + [(s.pk, s.heading) for s in sections]
            self._section_queryset = (
                self.instance.sections.all()
                if self.instance.pk
                else form.fields["section"].queryset.none()
            )
        form.fields["section"].queryset = self._section_queryset
        set_static_choices(form.fields["section"], self._section_choices)


class CitationInline(PrefetchedAutocompleteMixin, admin.StackedInline):
    """A story's citations, edited on the story page."""

    model = Citation
    form = CitationForm
    formset = CitationFormSet
    extra = 0
    autocomplete_fields = ["outlet"]
    fields = [
        ("outlet", "published_on", "section"),
        "url",
        ("link", "fetch_again"),
        "title",
        "claim",
        ("quote", "speaker"),
        "order",
    ]
    readonly_fields = ["link"]
    classes = ["collapse-open"]

    def get_queryset(self, request):
        return selectors.citations_with_snapshot(super().get_queryset(request))

    @admin.display(description="Link")
    def link(self, citation):
        return link_summary(citation)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "homepage", "citation_count"]
    search_fields = ["name", "domain"]
    readonly_fields = ["stories_citing"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_citations=Count("citations")).order_by("name")
        )

    @admin.display(description="Citations", ordering="_citations")
    def citation_count(self, outlet):
        return outlet._citations

    @admin.display(description="Stories citing this outlet")
    def stories_citing(self, outlet):
        stories = {
            c.story for c in outlet.citations.select_related("story").order_by("-story__created_at")
        }
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:stories_story_change", args=[s.pk]), s.headline) for s in stories),
            )
            or "None yet"
        )


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    """Every story's citations in one list, to find and re-check links; read-only.

    A citation belongs to its story: edited there, a change is versioned, logged and purged
    with the story and follows its workflow (a published story's citations are not changed
    behind the desk's back). So this admin only lists, shows and fetches again.
    """

    list_display = [
        "__str__",
        "story",
        "url",
        "link_status",
        "quote_check",
        "link_checked_at",
        "edit_in_story",
    ]
    list_select_related = ["outlet", "story"]
    list_filter = ["link_status", "quote_check", "outlet"]
    search_fields = ["claim", "quote", "url", "title", "story__headline"]
    actions = ["fetch_again"]
    readonly_fields = ["edit_in_story", "link", "snapshot_history"]
    fieldsets = [
        (None, {"fields": ["edit_in_story"]}),
        (None, {"fields": ["story", "section", "outlet", "url", "title", "published_on"]}),
        (None, {"fields": ["claim", ("quote", "speaker"), "order"]}),
        ("Link", {"fields": ["link", "snapshot_history"]}),
    ]

    def get_queryset(self, request):
        return selectors.citations_with_snapshot(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Delete permission stays the model's: a story's delete page asks this admin whether its
    # citations may go with the story. Only this admin's own ways to delete are closed.
    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied("Citations are deleted in their story.")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_delete": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_fetch_permission(self, request):
        return services.citation_may_fetch_again(request.user)

    @admin.display(description="Edit")
    def edit_in_story(self, citation):
        return format_html(
            '<a href="{}">Edit in its story</a>',
            reverse("admin:stories_story_change", args=[citation.story_id]),
        )

    @admin.display(description="Link")
    def link(self, citation):
        return link_summary(citation)

    @admin.display(description="Archived copies")
    def snapshot_history(self, citation):
        snapshots = citation.snapshots.defer("html_gz", "text").order_by("-fetched_at")
        return (
            format_html_join(
                "<br>",
                '<a href="{}" target="_blank">{}</a> · HTTP {} · {}',
                (
                    (
                        s.get_absolute_url(),
                        formats.date_format(s.fetched_at, "j M Y H:i"),
                        s.http_status,
                        s.final_url,
                    )
                    for s in snapshots
                ),
            )
            or "None yet"
        )

    @admin.action(description="Fetch again", permissions=["fetch"])
    def fetch_again(self, request, queryset):
        count = services.citations_fetch_again(citations=queryset, by=request.user)
        self.message_user(
            request,
            f"{count} link(s) will be fetched again in a moment; their status shows here.",
            messages.SUCCESS,
        )


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Archived pages, read-only: they are evidence, not drafts."""

    list_display = ["final_url", "http_status", "fetched_at", "citation", "size"]
    list_select_related = ["citation", "citation__outlet"]
    list_filter = ["http_status", "fetched_at"]
    search_fields = ["requested_url", "final_url", "content_hash"]
    date_hierarchy = "fetched_at"
    exclude = ["html_gz"]
    readonly_fields = ["view_archived_copy"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("html_gz")

    @admin.display(description="Archived copy")
    def view_archived_copy(self, snapshot):
        return format_html(
            '<a href="{}" target="_blank">Open the archived page</a>', snapshot.get_absolute_url()
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
