"""The desk's shared names: entity cards and the spelling dictionary."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html_join

from stories.desk_views import EntityReviewFilter
from stories.models import (
    DictionaryWord,
    Entity,
)


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "wikidata_id", "reviewed_at", "story_count"]
    list_filter = ["kind", EntityReviewFilter, "reviewed_at"]
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
