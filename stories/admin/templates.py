"""Story templates in the admin: editors shape what each kind of story holds."""

from django.contrib import admin
from django.db.models import Count

from stories.models import (
    StoryTemplate,
    TemplateSection,
)


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
