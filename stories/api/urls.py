from django.urls import path, re_path

from stories.api import views

app_name = "api"

urlpatterns = [
    path("stories/", views.StoryListView.as_view(), name="story-list"),
    path("stories/<slug:slug>/", views.StoryDetailView.as_view(), name="story-detail"),
    path("stories/<slug:slug>/ninjs", views.StoryNinjsView.as_view(), name="story-ninjs"),
    path("entities/", views.EntityListView.as_view(), name="entity-list"),
    path("entities/<slug:slug>/", views.EntityDetailView.as_view(), name="entity-detail"),
    path("changes/", views.ChangeListView.as_view(), name="change-list"),
    re_path(r"^(?P<path>[\s\S]*)$", views.NotFoundView.as_view(), name="not-found"),
]
