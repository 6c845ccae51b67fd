"""OpenAPI pieces shared by the partner API's views: the key scheme, the problem responses and
the caching headers, so `/api/schema/` documents every status a partner can get."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from stories.api.problems import PROBLEM_CONTENT_TYPE
from stories.api.serializers import GoneProblemSerializer, ProblemSerializer


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Api-Key <key>` as the API's security scheme."""

    target_class = "partners.authentication.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Your partner key, sent as `Api-Key <key>`.",
        }


def problem(description: str, serializer=ProblemSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


BAD_REQUEST = {
    (400, PROBLEM_CONTENT_TYPE): problem("A parameter is not valid; `errors` says which and why.")
}
UNAUTHORIZED = {
    (401, PROBLEM_CONTENT_TYPE): problem(
        "No key, or a key that is unknown, revoked or expired, or the partner is deactivated."
    )
}
NOT_FOUND = {
    (404, PROBLEM_CONTENT_TYPE): problem(
        "No such published story (drafts, scheduled and embargoed stories are not found)."
    )
}
GONE = {
    (410, PROBLEM_CONTENT_TYPE): problem(
        "The story was withdrawn; `reason` says why. Remove your copy.", GoneProblemSerializer
    )
}
THROTTLED = {
    (429, PROBLEM_CONTENT_TYPE): problem(
        "Over your partner's request rate; `Retry-After` says when to try again."
    )
}
NOT_MODIFIED = {
    304: OpenApiResponse(description="Not modified: the copy you have (your ETag) is current.")
}

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    required=True,
    description="Seconds to wait before the next request.",
)
CACHE_HEADERS = [
    OpenApiParameter(
        "Cache-Control",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="How long browsers and CDNs may keep the response.",
    ),
    OpenApiParameter(
        "Surrogate-Key",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="Space-separated cache tags (`story-<slug>`, `stories`) for CDN purges.",
    ),
]
CONDITIONAL_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The ETag you have: 304 when it is still current.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="HTTP date of your copy: 304 when the story has not changed since.",
    ),
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="Changes with every new version of the story.",
    ),
    OpenApiParameter(
        "Last-Modified",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="When the story last changed (HTTP date).",
    ),
]
PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": settings.NEWSDESK_API_MAX_PAGE_SIZE},
    OpenApiParameter.QUERY,
    description=f"Items per page, 1 to {settings.NEWSDESK_API_MAX_PAGE_SIZE} "
    f"(default {settings.NEWSDESK_API_PAGE_SIZE}).",
)
LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": settings.NEWSDESK_API_MAX_PAGE_SIZE},
    OpenApiParameter.QUERY,
    description="Another name for `page_size` (send one of the two, or both with one value).",
)
CURSOR = OpenApiParameter(
    "cursor",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Opaque: copy it from the `next` link of the previous page.",
)
SINCE = OpenApiParameter(
    "since",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Opaque cursor from `next_cursor` (or an entry's `cursor`); "
    "leave out to start from scratch (a snapshot of every live story, then the changes).",
)
STORY_SLUG = OpenApiParameter(
    "slug",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    OpenApiParameter.PATH,
    description="The story's slug, as in its public URL.",
    examples=[
        OpenApiExample("The demo explainer", value="north-korea-fires-missile-as-allies-drill")
    ],
)
ENTITY_SLUG = OpenApiParameter(
    "slug",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    OpenApiParameter.PATH,
    description="The entity's slug.",
    examples=[OpenApiExample("A demo entity", value="north-korea")],
)
