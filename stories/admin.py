"""The newsroom admin: where journalists draft and editors edit.

Every write goes through `stories.services`; the admin only collects input and shows results.
"""

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from sources.admin import CitationInline
from stories import services
from stories.models import (
    Byline,
    Correction,
    DictionaryWord,
    Entity,
    FAQItem,
    Story,
    StoryEntity,
    StorySection,
    StoryTemplate,
    StoryTransition,
    TemplateSection,
)
from stories.widgets import PrefetchedAutocompleteMixin, PrefetchedRelationsForm


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 0
    fields = ["order", "key", "heading", "kind", "required", "min_items", "max_items", "help_text"]


@admin.register(StoryTemplate)
class StoryTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "requires_dateline", "section_count"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [TemplateSectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_sections=Count("sections")).order_by("name")

    @admin.display(description="Sections", ordering="_sections")
    def section_count(self, template):
        return template._sections


class StorySectionInline(admin.StackedInline):
    """The story's sections in template order, each with the template's guidance above it."""

    model = StorySection
    extra = 0
    can_delete = False
    fields = ["guidance", "body"]
    readonly_fields = ["guidance"]
    verbose_name_plural = "Sections"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="")
    def guidance(self, section):
        required = " · required" if section.required else ""
        items = f" · at least {section.min_items} items" if section.min_items else ""
        return format_html(
            '<strong style="font-size:1.1em">{}</strong> <span class="quiet">({}{}{})</span>'
            '<div class="help">{}</div>',
            section.heading,
            section.get_kind_display(),
            required,
            items,
            section.help_text,
        )


class BylineForm(PrefetchedRelationsForm):
    prefetched = ("user",)


class BylineInline(PrefetchedAutocompleteMixin, admin.TabularInline):
    model = Byline
    form = BylineForm
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "order"]
    verbose_name_plural = "Bylines"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class FAQItemInline(admin.StackedInline):
    model = FAQItem
    extra = 0
    fields = [("question", "order"), "answer"]


class StoryEntityForm(PrefetchedRelationsForm):
    prefetched = ("entity",)


class StoryEntityInline(PrefetchedAutocompleteMixin, admin.TabularInline):
    model = StoryEntity
    form = StoryEntityForm
    extra = 0
    autocomplete_fields = ["entity"]
    fields = ["entity", "role", "order"]
    verbose_name_plural = "Entities (more on these topics)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["created_at", "text", "created_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StoryTransitionInline(admin.TabularInline):
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


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "template", "status", "byline_names", "published_at", "updated_at"]
    list_filter = [
        "status",
        "template",
        ("bylines", admin.RelatedOnlyFieldListFilter),
        "published_at",
        "created_at",
    ]
    search_fields = ["headline", "summary", "sections__body"]
    date_hierarchy = "created_at"
    list_select_related = ["template"]
    list_per_page = 50
    prepopulated_fields = {"slug": ("headline",)}
    readonly_fields = [
        "status",
        "version",
        "created_at",
        "updated_at",
        "published_at",
        "preview_link",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "summary", "template", "preview_link"]}),
        ("Dateline and language", {"fields": [("dateline_place", "dateline_date"), "language"]}),
        (
            "Status",
            {"fields": [("status", "version"), ("created_at", "updated_at", "published_at")]},
        ),
    ]

    def get_inlines(self, request, obj):
        # A new story has no sections yet: they are created from its template on first save.
        if obj is None:
            return []
        return [
            BylineInline,
            StorySectionInline,
            CitationInline,
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
            .prefetch_related(
                Prefetch("byline_links", queryset=Byline.objects.select_related("user"))
            )
        )

    @admin.display(description="Bylines")
    def byline_names(self, story):
        return ", ".join(str(link) for link in story.byline_links.all())

    @admin.display(description="On site")
    def preview_link(self, story):
        if not story.pk:
            return "Available after the first save."
        label = "View on site" if story.is_public() else "Preview (staff only)"
        return format_html('<a href="{}" target="_blank">{}</a>', story.get_absolute_url(), label)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            services.story_create(story=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            services.story_record_change(story=form.instance, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        # Straight on to the sections the template just gave the story.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            self.message_user(request, f"“{obj}” was created. Fill in its sections below.")
            return HttpResponseRedirect(reverse("admin:stories_story_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "wikidata_id", "reviewed_at", "story_count"]
    list_filter = ["kind", "reviewed_at"]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["stories_using"]
    fields = [
        "name",
        "slug",
        "kind",
        "description",
        "aliases",
        "wikidata_id",
        "reviewed_at",
        "stories_using",
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_stories=Count("story_links")).order_by("name")
        )

    @admin.display(description="Stories", ordering="_stories")
    def story_count(self, entity):
        return entity._stories

    @admin.display(description="Stories using this entity")
    def stories_using(self, entity):
        links = entity.story_links.select_related("story").order_by("-story__created_at")
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a> ({})',
                (
                    (
                        reverse("admin:stories_story_change", args=[link.story_id]),
                        link.story.headline,
                        link.role,
                    )
                    for link in links
                ),
            )
            or "None yet"
        )


@admin.register(DictionaryWord)
class DictionaryWordAdmin(admin.ModelAdmin):
    list_display = ["word", "note"]
    search_fields = ["word"]
