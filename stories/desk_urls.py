"""The desk's own admin pages, under /admin/desk/ (included before the admin's own URLs)."""

from django.urls import path

from stories import desk_views

app_name = "desk"

urlpatterns = [
    path("import/", desk_views.story_import_page, name="import"),
    path("entities/stale/", desk_views.stale_entities_page, name="stale-entities"),
    path(
        "stories/<int:story_id>/entities/link/",
        desk_views.story_link_entity,
        name="story-link-entity",
    ),
    path(
        "stories/<int:story_id>/checklist/accept/",
        desk_views.story_warning_accept,
        name="story-warning-accept",
    ),
    path(
        "stories/<int:story_id>/checklist/reopen/",
        desk_views.story_warning_reopen,
        name="story-warning-reopen",
    ),
    path(
        "stories/<int:story_id>/dictionary/add/",
        desk_views.story_dictionary_add,
        name="story-dictionary-add",
    ),
]
