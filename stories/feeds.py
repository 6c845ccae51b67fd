"""RSS 2.0 and Atom feeds of the latest public stories: all of them, per template and per
entity. Links are absolute on NEWSDESK_SITE_URL, never on the request's Host."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from pictures.selectors import placement_rows, story_lead_picture
from stories.api.selectors import entities_public
from stories.models import Entity, Story, StoryEntity, StoryTemplate
from stories.plain_text import text_cleaned
from stories.selectors import BYLINES, stories_public


def site_url(path: str) -> str:
    return f"{settings.NEWSDESK_SITE_URL}{path}"


def feed_text(value, *, one_line: bool = True):
    """A value as a feed may show it: strings (and lists of them) without control characters,
    and titles and names without invisible ones. Other values pass through."""
    if isinstance(value, str):
        return text_cleaned(value, one_line=one_line)[0]
    if isinstance(value, list | tuple):
        return [feed_text(item) for item in value]
    return value


class PlainTextFeedMixin:
    """Feed output free of what XML 1.0 cannot hold, whatever is stored: one control character
    in one headline made every feed it was in answer 500 (UnserializableContentError).

    Descriptions keep their line breaks; everything else is one line.
    """

    def __init__(self, title, link, description, **kwargs):
        super().__init__(
            feed_text(title),
            link,
            feed_text(description, one_line=False),
            **{key: feed_text(value) for key, value in kwargs.items()},
        )

    def add_item(self, title, link, description, **kwargs):
        super().add_item(
            feed_text(title),
            link,
            feed_text(description, one_line=False),
            **{key: feed_text(value) for key, value in kwargs.items()},
        )


MEDIA_NS = "http://search.yahoo.com/mrss/"


class LeadPictureMixin:
    """The item's lead picture as Media RSS `media:content` (16:9 JPEG, 1200 px), with its
    credit, alt text and copyright notice: what aggregators show beside the headline."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        picture = item.get("lead_picture")
        if picture is None:
            return
        rendition = picture.best("16x9", min_width=1200)
        handler.startElement(
            "media:content",
            {
                "url": rendition.url,
                "type": rendition.content_type,
                "medium": "image",
                "width": str(rendition.width),
                "height": str(rendition.height),
            },
        )
        if picture.credit:
            handler.addQuickElement("media:credit", feed_text(picture.credit), {"role": "author"})
        if picture.alt_text:
            handler.addQuickElement("media:description", feed_text(picture.alt_text))
        if picture.copyright_notice:
            handler.addQuickElement("media:copyright", feed_text(picture.copyright_notice))
        handler.endElement("media:content")


class PlainTextRssFeed(PlainTextFeedMixin, LeadPictureMixin, Rss201rev2Feed):
    pass


class PlainTextAtomFeed(PlainTextFeedMixin, LeadPictureMixin, Atom1Feed):
    pass


def stories_for_feed(*, template: StoryTemplate | None = None, entity: Entity | None = None):
    """The latest public stories with what an item shows: bylines, template and entities."""
    stories: QuerySet[Story] = stories_public().filter(published_at__isnull=False)
    if template is not None:
        stories = stories.filter(template=template)
    if entity is not None:
        stories = stories.filter(
            Exists(StoryEntity.objects.filter(story=OuterRef("pk"), entity=entity))
        )
    return (
        stories.select_related("template")
        .annotate(pictures_json=placement_rows())
        .prefetch_related(
            BYLINES,
            Prefetch("entity_links", queryset=StoryEntity.objects.select_related("entity")),
        )
        .order_by("-published_at", "-id")[: settings.NEWSDESK_FEED_ITEMS]
    )


class LatestStoriesFeed(Feed):
    """The newest published stories, with their full summary."""

    feed_type = PlainTextRssFeed
    kind = "rss"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(
            response,
            public=True,
            max_age=settings.NEWSDESK_API_MAX_AGE,
            s_maxage=settings.NEWSDESK_API_CDN_MAX_AGE,
        )
        response["Surrogate-Key"] = "feeds stories"
        return response

    def title(self, obj):
        return settings.NEWSDESK_SITE_NAME

    def description(self, obj):
        return f"The latest stories from {settings.NEWSDESK_SITE_NAME}."

    def link(self, obj):
        return site_url("/")

    def feed_url(self, obj):
        return site_url(reverse(f"feeds:{self.kind}"))

    def items(self, obj):
        return stories_for_feed()

    def item_title(self, story):
        return story.headline

    def item_description(self, story):
        return story.summary

    def item_link(self, story):
        return site_url(story.get_absolute_url())

    def item_guid(self, story):
        return site_url(story.get_absolute_url())

    def item_guid_is_permalink(self, story):
        return True

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.updated_at

    def item_author_name(self, story):
        names = [str(byline) for byline in story.byline_links.all()]
        return ", ".join(names) or None

    def item_extra_kwargs(self, story):
        return {"lead_picture": story_lead_picture(story)}

    def item_categories(self, story):
        return [story.template.name, *(link.entity.name for link in story.entity_links.all())]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = PlainTextAtomFeed
    kind = "atom"
    subtitle = LatestStoriesFeed.description


class TemplateStoriesFeed(LatestStoriesFeed):
    """The newest published stories of one template (explainers, news reports…)."""

    def get_object(self, request, slug):
        return get_object_or_404(StoryTemplate, slug=slug)

    def title(self, template):
        return f"{settings.NEWSDESK_SITE_NAME}: {template.name}"

    def description(self, template):
        return f"The latest {template.name} stories from {settings.NEWSDESK_SITE_NAME}."

    def feed_url(self, template):
        return site_url(reverse(f"feeds:{self.kind}-template", kwargs={"slug": template.slug}))

    def items(self, template):
        return stories_for_feed(template=template)


class TemplateStoriesAtomFeed(TemplateStoriesFeed):
    feed_type = PlainTextAtomFeed
    kind = "atom"
    subtitle = TemplateStoriesFeed.description


class EntityStoriesFeed(LatestStoriesFeed):
    """The newest published stories about or mentioning one entity."""

    def get_object(self, request, slug):
        # Like the API: an entity only unpublished stories use is not announced anywhere.
        return get_object_or_404(entities_public(), slug=slug)

    def title(self, entity):
        return f"{settings.NEWSDESK_SITE_NAME}: {entity.name}"

    def description(self, entity):
        return f"The latest stories about {entity.name} from {settings.NEWSDESK_SITE_NAME}."

    def link(self, entity):
        return site_url(entity.get_absolute_url())

    def feed_url(self, entity):
        return site_url(reverse(f"feeds:{self.kind}-entity", kwargs={"slug": entity.slug}))

    def items(self, entity):
        return stories_for_feed(entity=entity)


class EntityStoriesAtomFeed(EntityStoriesFeed):
    feed_type = PlainTextAtomFeed
    kind = "atom"
    subtitle = EntityStoriesFeed.description


app_name = "feeds"

# Included under /feeds/ by newsdesk/urls.py.
urlpatterns = [
    path("rss/", LatestStoriesFeed(), name="rss"),
    path("atom/", LatestStoriesAtomFeed(), name="atom"),
    path("rss/templates/<slug:slug>/", TemplateStoriesFeed(), name="rss-template"),
    path("atom/templates/<slug:slug>/", TemplateStoriesAtomFeed(), name="atom-template"),
    path("rss/entities/<slug:slug>/", EntityStoriesFeed(), name="rss-entity"),
    path("atom/entities/<slug:slug>/", EntityStoriesAtomFeed(), name="atom-entity"),
]
