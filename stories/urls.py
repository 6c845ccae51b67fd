from django.urls import path

from stories import views

app_name = "stories"

urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_detail, name="story"),
    path("entities/<slug:slug>/", views.entity_detail, name="entity"),
    path("corrections/", views.corrections, name="corrections"),
    path("authors/<str:username>/", views.author_detail, name="author"),
]
