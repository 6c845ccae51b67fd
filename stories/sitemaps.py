"""`/sitemap.xml` (public stories, entity pages, the front page) and the Google News sitemap
`/sitemap-news.xml` (stories of the last two days). URLs are on NEWSDESK_SITE_URL."""

from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from pictures.selectors import placement_rows, story_pictures
from stories import visibility
from stories.models import Entity
from stories.selectors import stories_public

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap.


class SiteSitemap(Sitemap):
    """Absolute URLs on NEWSDESK_SITE_URL, whatever Host the request came with."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.NEWSDESK_SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        parts = urlsplit(settings.NEWSDESK_SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


class StorySitemap(SiteSitemap):
    """Every public story, newest first, with when it last changed."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return (
            stories_public()
            .filter(published_at__isnull=False)
            .only("slug", "updated_at", "published_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, story):
        return story.updated_at


class EntitySitemap(SiteSitemap):
    """Entity pages that list at least one public story."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        public = visibility.visible_q(through="story_links__story")
        return (
            Entity.objects.annotate(last_story=Max("story_links__story__updated_at", filter=public))
            .filter(last_story__isnull=False)
            .order_by("name", "id")
        )

    def lastmod(self, entity):
        return max(entity.updated_at, entity.last_story)


class HomeSitemap(SiteSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["stories:home"]

    def location(self, name):
        return "/"


SITEMAPS = {"home": HomeSitemap, "stories": StorySitemap, "entities": EntitySitemap}


def site_sitemap(request):
    response = sitemap(request, sitemaps=SITEMAPS)
    patch_cache_control(response, public=True, max_age=settings.NEWSDESK_API_CDN_MAX_AGE)
    return response


def news_language(tag: str) -> str:
    """Google News wants an ISO 639 code (`de`, not `de-CH`), except zh-cn and zh-tw."""
    tag = tag.strip().lower().replace("_", "-")
    return tag if tag in ("zh-cn", "zh-tw") else (tag.split("-")[0] or "en")


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


@require_safe
def news_sitemap(request):
    """Stories published in the last two days, with the `news:` fields Google News reads."""
    since = timezone.now() - NEWS_WINDOW
    stories = (
        stories_public()
        .filter(published_at__gte=since)
        .only("slug", "headline", "language", "published_at")
        .annotate(pictures_json=placement_rows())
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("news", NEWS_NS)
    ET.register_namespace("image", IMAGE_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for story in stories:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = (
            settings.NEWSDESK_SITE_URL + story.get_absolute_url()
        )
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        ET.SubElement(publication, f"{{{NEWS_NS}}}name").text = settings.NEWSDESK_SITE_NAME
        ET.SubElement(publication, f"{{{NEWS_NS}}}language").text = news_language(story.language)
        ET.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = _iso(story.published_at)
        ET.SubElement(news, f"{{{NEWS_NS}}}title").text = story.headline
        for picture in story_pictures(story):
            image = ET.SubElement(url, f"{{{IMAGE_NS}}}image")
            ET.SubElement(image, f"{{{IMAGE_NS}}}loc").text = picture.best("original").url
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=settings.NEWSDESK_API_MAX_AGE)
    return response


# Included at the site root by newsdesk/urls.py.
urlpatterns = [
    path("sitemap.xml", site_sitemap, name="sitemap"),
    path("sitemap-news.xml", news_sitemap, name="sitemap-news"),
]
