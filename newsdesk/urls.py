from django.contrib import admin
from django.urls import include, path

from stories.views import healthz

admin.site.site_header = "Newsdesk"
admin.site.site_title = "Newsdesk"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/desk/", include("stories.desk_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", include("stories.urls")),
]
