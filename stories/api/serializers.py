"""How stories, entities and changes look in the partner API. Shapes only: every object comes
from a selector with its parts already loaded, so serializing runs no queries."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pictures.selectors import StoryPicture, story_pictures
from sources.models import LinkStatus
from stories.api.pagination import change_cursor


def site_url(path: str) -> str:
    """Absolute URL on the configured site (never the request's Host)."""
    return f"{settings.NEWSDESK_SITE_URL}{path}"


def story_urls(slug: str) -> dict:
    return {
        "url": site_url(reverse("stories:story", kwargs={"slug": slug})),
        "api_url": site_url(reverse("api:story-detail", kwargs={"slug": slug})),
        "ninjs_url": site_url(reverse("api:story-ninjs", kwargs={"slug": slug})),
    }


def archived_copy_url(citation) -> str | None:
    """Our snapshot of a cited page, offered when the original link is gone."""
    snapshot_id = getattr(citation, "latest_snapshot_id", None)
    if citation.link_status == LinkStatus.GONE and snapshot_id:
        return site_url(f"/sources/snapshots/{snapshot_id}/")
    return None


class TemplateSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class BylineSerializer(serializers.Serializer):
    name = serializers.CharField(source="__str__", help_text="The author's name as printed.")


class DatelineSerializer(serializers.Serializer):
    place = serializers.CharField(source="dateline_place")
    date = serializers.DateField(source="dateline_date")


class StoryListItemSerializer(serializers.Serializer):
    """A story in a list: enough to show a teaser and to decide whether to fetch it."""

    slug = serializers.SlugField()
    headline = serializers.CharField()
    summary = serializers.CharField()
    template = TemplateSerializer()
    language = serializers.CharField()
    bylines = BylineSerializer(source="byline_links", many=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The public page.")
    api_url = serializers.SerializerMethodField(help_text="This story in the API.")
    ninjs_url = serializers.SerializerMethodField(help_text="This story as IPTC ninjs 3.1.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, story) -> str:
        return site_url(story.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, story) -> str:
        return site_url(reverse("api:story-detail", kwargs={"slug": story.slug}))

    @extend_schema_field(OpenApiTypes.URI)
    def get_ninjs_url(self, story) -> str:
        return site_url(reverse("api:story-ninjs", kwargs={"slug": story.slug}))


class SectionSerializer(serializers.Serializer):
    key = serializers.SlugField()
    heading = serializers.CharField()
    kind = serializers.CharField()
    html = serializers.CharField(source="body_html", help_text="Sanitized HTML.")


class OutletSerializer(serializers.Serializer):
    name = serializers.CharField()
    domain = serializers.CharField()


class CitationSerializer(serializers.Serializer):
    outlet = OutletSerializer(allow_null=True)
    url = serializers.CharField(help_text="The cited piece; empty when the citation has none.")
    title = serializers.CharField()
    date = serializers.DateField(source="published_on", allow_null=True)
    claim = serializers.CharField()
    quote = serializers.CharField()
    speaker = serializers.CharField()
    section = serializers.SlugField(source="section.key", allow_null=True, default=None)
    link_status = serializers.CharField(
        help_text="pending, fetched, failed, blocked, gone or changed; empty without a URL."
    )
    archived_url = serializers.SerializerMethodField(
        help_text="Our archived copy, when the original link is gone."
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_archived_url(self, citation) -> str | None:
        return archived_copy_url(citation)


class FAQItemSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


class EntityLinkSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="entity.slug")
    name = serializers.CharField(source="entity.name")
    kind = serializers.CharField(source="entity.kind")
    description = serializers.CharField(source="entity.description")
    role = serializers.ChoiceField(choices=["about", "mentions"])
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, link) -> str:
        return site_url(reverse("api:entity-detail", kwargs={"slug": link.entity.slug}))


class CorrectionSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    text = serializers.CharField()


class RenditionSerializer(serializers.Serializer):
    href = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    content_type = serializers.CharField(help_text="image/webp, image/avif or image/jpeg.")
    crop = serializers.ChoiceField(choices=["16x9", "4x3", "1x1", "original"])


class FocalPointSerializer(serializers.Serializer):
    x = serializers.FloatField(help_text="0 (left) to 1 (right).")
    y = serializers.FloatField(help_text="0 (top) to 1 (bottom).")


class PictureSerializer(serializers.Serializer):
    """A picture in the story, with this use's alt text and caption and the image's rights.
    Documents `picture_data`, which writes it."""

    role = serializers.ChoiceField(choices=["lead", "section"])
    section = serializers.SlugField(allow_null=True, help_text="The section it is shown in.")
    paragraph = serializers.IntegerField(help_text="Shown after this paragraph of its section.")
    alt_text = serializers.CharField()
    caption = serializers.CharField()
    title = serializers.CharField()
    credit = serializers.CharField(help_text="Photographer / agency, to print with it.")
    copyright_notice = serializers.CharField()
    licence = serializers.ChoiceField(choices=["staff", "agency", "handout", "cc", "other", ""])
    licence_url = serializers.CharField()
    usage_terms = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    focal_point = FocalPointSerializer()
    renditions = RenditionSerializer(many=True)


def picture_data(picture: StoryPicture) -> dict:
    """A picture as `PictureSerializer` documents it (plain dicts: no DRF on the hot path)."""
    return {
        "role": picture.role,
        "section": picture.section_key,
        "paragraph": picture.paragraph,
        "alt_text": picture.alt_text,
        "caption": picture.caption,
        "title": picture.title,
        "credit": picture.credit,
        "copyright_notice": picture.copyright_notice,
        "licence": picture.licence,
        "licence_url": picture.licence_url,
        "usage_terms": picture.usage_terms,
        "width": picture.width,
        "height": picture.height,
        "focal_point": {"x": picture.focal_x, "y": picture.focal_y},
        "renditions": [
            {
                "href": r.url,
                "width": r.width,
                "height": r.height,
                "content_type": r.content_type,
                "crop": r.crop,
            }
            for r in picture.renditions_or_original
        ],
    }


class StorySerializer(StoryListItemSerializer):
    """The whole story: what the public page shows, as data."""

    dateline = serializers.SerializerMethodField()
    sections = SectionSerializer(many=True)
    citations = CitationSerializer(many=True)
    faq = FAQItemSerializer(source="faq_items", many=True)
    entities = EntityLinkSerializer(source="entity_links", many=True)
    corrections = CorrectionSerializer(many=True)
    pictures = serializers.SerializerMethodField(help_text="The lead picture first.")

    @extend_schema_field(PictureSerializer(many=True))
    def get_pictures(self, story) -> list[dict]:
        return [picture_data(picture) for picture in story_pictures(story)]

    @extend_schema_field(DatelineSerializer(allow_null=True))
    def get_dateline(self, story) -> dict | None:
        return DatelineSerializer(story).data if story.has_dateline else None


class EntitySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField(), source="alias_list")
    wikidata_id = serializers.CharField(help_text="e.g. Q423; empty when unknown.")
    url = serializers.SerializerMethodField(help_text="The public entity page.")
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entity) -> str:
        return site_url(entity.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, entity) -> str:
        return site_url(reverse("api:entity-detail", kwargs={"slug": entity.slug}))


class EntityDetailSerializer(EntitySerializer):
    stories = StoryListItemSerializer(many=True, help_text="Its latest published stories.")
    stories_url = serializers.SerializerMethodField(help_text="All its stories, paginated.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_stories_url(self, entity) -> str:
        return site_url(reverse("api:story-list")) + f"?entity={entity.slug}"


class ChangeSerializer(serializers.Serializer):
    """One entry of the changes feed: a change from the log, or a story of the starting
    snapshot; a withdrawal is a tombstone (`withdrawn`, `reason`)."""

    cursor = serializers.SerializerMethodField(help_text="Resume after this entry with ?since=.")
    type = serializers.CharField(source="event_type", help_text="story.published, …")
    event = serializers.ChoiceField(
        source="kind", choices=["published", "updated", "corrected", "withdrawn"]
    )
    slug = serializers.SlugField()
    version = serializers.IntegerField()
    at = serializers.DateTimeField()
    withdrawn = serializers.SerializerMethodField()
    reason = serializers.CharField(help_text="Why it was withdrawn; empty otherwise.")
    snapshot = serializers.BooleanField(
        help_text="Part of the snapshot a sync from scratch starts with: the story as it is "
        "now (`published`), or a tombstone (`withdrawn`); `at` is its last change."
    )
    api_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_cursor(self, event) -> str:
        return change_cursor(event.position)

    def get_withdrawn(self, event) -> bool:
        return event.kind == "withdrawn"

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, event) -> str:
        return story_urls(event.slug)["api_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, event) -> str:
        return story_urls(event.slug)["url"]


class StoryPageSerializer(serializers.Serializer):
    results = StorySerializer(many=True, help_text="Whole stories, as the detail shows them.")
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last.")


class EntityPageSerializer(serializers.Serializer):
    results = EntitySerializer(many=True)
    next = serializers.URLField(allow_null=True)


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Pass as ?since= to continue.")
    next = serializers.URLField(help_text="Where to continue (poll it when has_more is false).")
    has_more = serializers.BooleanField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each invalid parameter with what is wrong with it (400 only).",
    )


class GoneProblemSerializer(ProblemSerializer):
    slug = serializers.SlugField()
    reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
