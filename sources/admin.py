from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from sources.models import Citation, Outlet
from stories.widgets import PrefetchedAutocompleteMixin, PrefetchedRelationsForm, set_static_choices


class CitationForm(PrefetchedRelationsForm):
    prefetched = ("outlet",)


class CitationFormSet(BaseInlineFormSet):
    """Offers only the story's own sections, listed once for all rows."""

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
        "title",
        "claim",
        ("quote", "speaker"),
        "order",
    ]
    classes = ["collapse-open"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet")


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
        from django.urls import reverse
        from django.utils.html import format_html_join

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
class CitationAdmin(PrefetchedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["__str__", "story", "url", "claim"]
    list_select_related = ["outlet", "story"]
    list_filter = ["outlet"]
    search_fields = ["claim", "quote", "url", "title", "story__headline"]
    autocomplete_fields = ["outlet", "story"]
    raw_id_fields = ["section"]
