from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from newsroom.urls import preview_urlpatterns
from stories.sitemaps import urlpatterns as sitemap_urls
from stories.views import healthz

admin.site.site_header = "Newsdesk"
admin.site.site_title = "Newsdesk"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("api/v1/", include("stories.api.urls")),  # first: the hottest paths resolve soonest
    path("admin/desk/", include("stories.desk_urls")),
    path("admin/newsroom/", include("newsroom.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("sources/", include("sources.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("feeds/", include("stories.feeds")),
    path("", include(sitemap_urls)),
    *preview_urlpatterns,
    path("", include("stories.urls")),
]


def media(request, path):
    """Uploaded pictures on a laptop (NEWSDESK_SERVE_MEDIA, on with DEBUG); in production the
    web server, a CDN or the bucket serves them."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.NEWSDESK_SERVE_MEDIA and not settings.AWS_STORAGE_BUCKET_NAME:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media))

if settings.NEWSDESK_BENCH_FLOOR:
    from newsdesk.floor import floor

    urlpatterns.insert(0, path("bench/floor", floor, name="bench-floor"))
