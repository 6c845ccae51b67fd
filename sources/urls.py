from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("snapshots/<int:snapshot_id>/", views.snapshot_detail, name="snapshot"),
    path("snapshots/<int:snapshot_id>/raw/", views.snapshot_raw, name="snapshot_raw"),
]
