"""The partner API (`/api/v1/`). Views parse the request, ask a selector, shape the answer.

Only public stories (published, past any embargo) leave; a withdrawn one answers 410 Gone;
everything else, whatever its state, is 404.
"""

import functools
import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from partners import selectors as partner_selectors
from partners.authentication import CHECKED_ATTRIBUTE, PartnerKeyAuthentication
from partners.permissions import IsPartner
from partners.throttling import (
    COUNTED_ATTRIBUTE,
    PartnerRateThrottle,
    partner_key_check_counted,
)
from stories.api import schema, states
from stories.api import selectors as api_selectors
from stories.api.filters import StoryFilter
from stories.api.ninjs import story_ninjs_withdrawn
from stories.api.pagination import (
    KeysetPaginator,
    change_cursor,
    change_cursor_position,
    page_link,
    page_size_from,
)
from stories.api.problems import StoryWithdrawn
from stories.api.representations import (
    REPRESENTATION_REVISION,
    stories_representations,
    story_representation,
)
from stories.api.serializers import (
    ChangePageSerializer,
    ChangeSerializer,
    EntityDetailSerializer,
    EntityPageSerializer,
    EntitySerializer,
    StoryPageSerializer,
    StorySerializer,
)

NOT_READ = object()

STORY_PAGES = KeysetPaginator(("-published_at", "-id"), kind="stories")
ENTITY_PAGES = KeysetPaginator(("name", "id"), kind="entities")


PRECONDITIONS = frozenset(
    {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}
)


def story_surrogate_key(slug: str) -> str:
    return f"story-{slug}"


def cacheable(response, *, keys: list[str]):
    """Headers that let browsers and a CDN keep the response, and purge it by story."""
    max_ages = (settings.NEWSDESK_API_MAX_AGE, settings.NEWSDESK_API_CDN_MAX_AGE)
    if "Cache-Control" in response or "Vary" in response:
        patch_cache_control(response, public=True, max_age=max_ages[0], s_maxage=max_ages[1])
        patch_vary_headers(response, ["Authorization"])
    else:  # a new response (all of ours): the same values, worked out once
        response["Cache-Control"] = _cache_control(*max_ages)
        response["Vary"] = "Authorization"
    # Every partner sees the same stories, but each key must still be checked (and counted):
    # a shared cache keeps one copy per key (Vary).
    response["Surrogate-Key"] = " ".join(keys)
    return response


@functools.lru_cache(maxsize=8)
def _cache_control(max_age: int, s_maxage: int) -> str:
    response = HttpResponse()
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=s_maxage)
    return response["Cache-Control"]


class PartnerAPIView(APIView):
    """Base of the partner endpoints: a partner key, its rate, and only known parameters."""

    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]

    # The query parameters the endpoint understands; any other is a 400, so a typo such as
    # `?updated_sinse=` is reported instead of silently returning everything.
    query_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = set(request.query_params) - self.query_parameters
        if unknown:
            takes = ", ".join(sorted(self.query_parameters)) or "no parameters"
            raise ValidationError(
                {name: [f"Unknown parameter; this endpoint takes {takes}."] for name in unknown}
            )
        malformed = {
            name: [problem]
            for name, values in request.query_params.lists()
            for problem in [_parameter_problem(values)]
            if problem
        }
        if malformed:
            raise ValidationError(malformed)

    def permission_denied(self, request, message=None, code=None):
        if not request.successful_authenticator:
            raise NotAuthenticated(IsPartner.message)
        super().permission_denied(request, message, code)


COMMON_ERRORS = {**schema.UNAUTHORIZED, **schema.THROTTLED}

# Longer than any slug, cursor, date or search a partner needs; a longer value is refused
# before it reaches a filter, a search parser or the database.
MAX_PARAMETER_LENGTH = 1000


def _parameter_problem(values: list[str]) -> str | None:
    """What is wrong with a parameter's values whatever the parameter, or None: NUL (which
    PostgreSQL refuses in any text) and overlong values."""
    for value in values:
        if "\x00" in value:
            return "Contains a NUL character (%00); send the value without it."
        if len(value) > MAX_PARAMETER_LENGTH:
            return f"Longer than {MAX_PARAMETER_LENGTH} characters; send a shorter value."
    return None


@extend_schema_view(
    get=extend_schema(
        tags=["stories"],
        operation_id="stories_list",
        summary="Published stories, newest first",
        parameters=[
            schema.CURSOR,
            schema.PAGE_SIZE,
            schema.LIMIT,
            schema.RETRY_AFTER,
            *schema.CACHE_HEADERS,
        ],
        responses={200: StoryPageSerializer, **schema.BAD_REQUEST, **COMMON_ERRORS},
    )
)
class StoryListView(PartnerAPIView, GenericAPIView):
    """Published stories, newest first, each item the whole story (as the detail shows it),
    with filters and keyset pagination (`next`).

    Items come from the per-version representation cache; the misses of a page are built
    together, so the query count does not grow with the page size.
    """

    filter_backends = [DjangoFilterBackend]
    filterset_class = StoryFilter
    query_parameters = frozenset(StoryFilter.base_filters) | {"cursor", "page_size", "limit"}
    serializer_class = StorySerializer
    pagination_class = None

    def get_queryset(self):
        return api_selectors.stories_for_api_page()

    def filter_queryset(self, queryset):
        # Building and validating the filter form is a good part of an unfiltered request.
        if not set(self.request.query_params) & set(StoryFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def get(self, request):
        page = STORY_PAGES.paginate(self.filter_queryset(self.get_queryset()), request)
        items = stories_representations(page.items)
        body = b'{"results":[%s],"next":%s}' % (
            b",".join(items),
            json.dumps(page.next_url).encode(),
        )
        response = HttpResponse(body, content_type="application/json")
        if page.next_url:
            response["Link"] = f'<{page.next_url}>; rel="next"'
        return cacheable(
            response, keys=["stories", *(story_surrogate_key(s.slug) for s in page.items)]
        )


class StoryRepresentationView(PartnerAPIView):
    """One story with conditional GET: the ETag comes from one cheap query on the story's
    version and rendition, so a current copy gets 304 without loading anything else, and a
    cached representation is sent as stored bytes (stories/api/representations.py).

    The state query runs first on every request: a withdrawn or unpublished story answers
    410 or 404 before any cache is consulted.
    """

    representation = "json"

    # Accept headers the fast path answers; any other goes through DRF's content negotiation.
    FAST_ACCEPTS = frozenset({"", "*/*", "application/json"})

    @classmethod
    def fast_response(cls, request, slug):
        """The cache hit or the 304 of a plain GET with a good key, answered without DRF's
        request, negotiation and response machinery, or None (stories/api/fast_path.py).

        The same key check, throttle, state and headers as the DRF path; every other case (no
        or bad key, over the rate, 404, 410, other Accept) goes on to DRF, so errors keep
        their one shape. The throttle verdict goes along with it, so such a request is still
        counted once.
        """
        if request.META.get("HTTP_ACCEPT", "") not in cls.FAST_ACCEPTS:
            return None
        response = cls().fast_answer(request, slug)
        if response is not None:
            # As DRF's `finalize_response` adds them: Vary merged, the others set.
            for name, value in cls._default_headers().items():
                if name == "Vary":
                    patch_vary_headers(response, [value])
                else:
                    response[name] = value
        return response

    @classmethod
    @functools.cache
    def _default_headers(cls) -> dict:
        """What DRF adds to each of this view's responses (Allow)."""
        view = cls()
        view.setup(None)  # as `as_view` does: a GET view answers HEAD too
        return view.default_response_headers

    def fast_answer(self, request, slug):
        """The 200 or 304 for a public story, or None to let DRF answer.

        With Redis, one script checks the key, counts the request and brings the story's
        remembered state and, for a partner without a copy, its cached body (states.py).
        """
        key = PartnerKeyAuthentication.key_parser.get(request)
        if not key:
            return None
        meta = request.META
        # A request with any precondition is decided by `story_answer`; only a plain one may
        # take the cached body straight from the script.
        revalidating = any(header in meta for header in PRECONDITIONS)
        rider = states.state_rider(
            slug,
            body_kind=None
            if revalidating or not settings.NEWSDESK_API_CACHE
            else self.representation,
        )
        api_key, retry_after, read = partner_key_check_counted(key.strip(), rider=rider)
        setattr(request, CHECKED_ATTRIBUTE, api_key)
        if api_key is None:
            return None
        setattr(request, COUNTED_ATTRIBUTE, retry_after)
        if retry_after is not None:
            return None
        state, body = states.state_from_read(slug, read)
        if state is None or not state.is_public or state.is_tombstone:
            request.newsdesk_story_state = state  # DRF answers 404 or 410 from it
            return None
        if body is not None:
            return self.conditional_headers(
                HttpResponse(body, content_type="application/json"),
                state,
                [story_surrogate_key(state.slug)],
            )
        return self.story_answer(request, state)

    def etag(self, story_id: int, version: int, rendition: int) -> str:
        return f'"{story_id}-{version}-r{rendition}-{self.representation}{REPRESENTATION_REVISION}"'

    def withdrawn(self, state):
        raise StoryWithdrawn(
            slug=state.slug,
            reason=state.withdrawn_reason,
            withdrawn_at=state.withdrawn_at,
            headers={"Surrogate-Key": story_surrogate_key(state.slug)},
        )

    def get(self, request, slug):
        state = getattr(request._request, "newsdesk_story_state", NOT_READ)
        if state is NOT_READ:
            state = api_selectors.story_state(slug=slug)
        if state is None or not (state.is_public or state.is_tombstone):
            raise NotFound(f"There is no published story with the slug {slug!r}.")
        if state.is_tombstone:
            return self.withdrawn(state)
        response = self.story_answer(request, state)
        if response is None:  # unpublished between the two queries
            raise NotFound(f"There is no published story with the slug {slug!r}.")
        return response

    def story_answer(self, request, state):
        """304 or 200 with the representation for the public story `state`; None when it
        stopped being public since `state` was read."""
        keys = [story_surrogate_key(state.slug)]
        etag = self.etag(state.id, state.version, state.rendition)
        meta = request.META
        if (
            meta.get("HTTP_IF_NONE_MATCH") == etag
            and "HTTP_IF_MATCH" not in meta
            and "HTTP_IF_UNMODIFIED_SINCE" not in meta
        ):
            # The usual revalidation (the ETag sent back as it came, no other precondition),
            # decided as `get_conditional_response` would decide it, without its parsing.
            return self.conditional_headers(HttpResponseNotModified(), state, keys)
        not_modified = get_conditional_response(
            request,
            etag=etag,
            # `updated_at` follows editorial changes only: once an entity card, an outlet or a
            # link state has changed (rendition), a date alone cannot prove a copy current.
            last_modified=int(state.updated_at.timestamp()) if not state.rendition else None,
        )
        if not_modified is not None:
            return self.conditional_headers(not_modified, state, keys)
        body, story = story_representation(state=state, kind=self.representation)
        if body is None:
            return None
        response = HttpResponse(body, content_type="application/json")
        return self.conditional_headers(response, story or state, keys)

    def conditional_headers(self, response, story, keys):
        response["ETag"] = self.etag(story.id, story.version, story.rendition)
        response["Last-Modified"] = _http_date(int(story.updated_at.timestamp()))
        return cacheable(response, keys=keys)


@functools.lru_cache(maxsize=4096)
def _http_date(timestamp: int) -> str:
    return http_date(timestamp)


@extend_schema_view(
    get=extend_schema(
        tags=["stories"],
        operation_id="stories_retrieve",
        summary="One published story, whole",
        parameters=[
            schema.STORY_SLUG,
            *schema.CONDITIONAL_HEADERS,
            *schema.CACHE_HEADERS,
            schema.RETRY_AFTER,
        ],
        responses={
            200: StorySerializer,
            **schema.NOT_MODIFIED,
            **schema.BAD_REQUEST,
            **COMMON_ERRORS,
            **schema.NOT_FOUND,
            **schema.GONE,
        },
    )
)
class StoryDetailView(StoryRepresentationView):
    """The whole story: sections in template order, citations, FAQ, entities, corrections."""


@extend_schema_view(
    get=extend_schema(
        tags=["stories"],
        operation_id="stories_ninjs",
        summary="One published story as IPTC ninjs 3.1",
        description="Valid against http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json. A withdrawn "
        "story answers 410 with a ninjs kill notice (`pubStatus: canceled`) as its body.",
        parameters=[
            schema.STORY_SLUG,
            *schema.CONDITIONAL_HEADERS,
            *schema.CACHE_HEADERS,
            schema.RETRY_AFTER,
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="A ninjs 3.1 document."),
            **schema.NOT_MODIFIED,
            **schema.BAD_REQUEST,
            **COMMON_ERRORS,
            **schema.NOT_FOUND,
            410: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Withdrawn: a ninjs document with pubStatus canceled.",
            ),
        },
    )
)
class StoryNinjsView(StoryRepresentationView):
    """The story in the IPTC's News in JSON format."""

    representation = "ninjs"

    def withdrawn(self, state):
        story = api_selectors.story_withdrawn(story_id=state.id)
        if story is None:
            raise NotFound(f"There is no published story with the slug {state.slug!r}.")
        response = Response(story_ninjs_withdrawn(story), status=410)
        response["Surrogate-Key"] = story_surrogate_key(story.slug)
        return response


@extend_schema_view(
    get=extend_schema(
        tags=["entities"],
        operation_id="entities_list",
        summary="Entities of published stories",
        parameters=[schema.CURSOR, schema.PAGE_SIZE, *schema.CACHE_HEADERS, schema.RETRY_AFTER],
        responses={200: EntityPageSerializer, **schema.BAD_REQUEST, **COMMON_ERRORS},
    )
)
class EntityListView(PartnerAPIView):
    """People, countries, organisations… that published stories are about or mention."""

    query_parameters = frozenset({"cursor", "page_size"})

    def get(self, request):
        page = ENTITY_PAGES.paginate(api_selectors.entities_public(), request)
        response = Response(
            {"results": EntitySerializer(page.items, many=True).data, "next": page.next_url}
        )
        return cacheable(response, keys=["entities"])


@extend_schema_view(
    get=extend_schema(
        tags=["entities"],
        operation_id="entities_retrieve",
        summary="One entity with its latest published stories",
        parameters=[
            schema.ENTITY_SLUG,
            schema.PAGE_SIZE,
            *schema.CACHE_HEADERS,
            schema.RETRY_AFTER,
        ],
        responses={
            200: EntityDetailSerializer,
            **schema.BAD_REQUEST,
            **COMMON_ERRORS,
            **schema.NOT_FOUND,
        },
    )
)
class EntityDetailView(PartnerAPIView):
    """The entity's card and its latest published stories (`stories_url` pages through all)."""

    query_parameters = frozenset({"page_size"})

    def get(self, request, slug):
        entity = api_selectors.entity_public(slug=slug)
        if entity is None:
            raise NotFound(f"There is no entity with the slug {slug!r} in a published story.")
        size = page_size_from(request.query_params)
        entity.stories = list(
            api_selectors.stories_with_entity(api_selectors.stories_for_api(), slug=slug)[:size]
        )
        response = Response(EntityDetailSerializer(entity).data)
        keys = [f"entity-{entity.slug}", *(story_surrogate_key(s.slug) for s in entity.stories)]
        return cacheable(response, keys=keys)


@extend_schema_view(
    get=extend_schema(
        tags=["changes"],
        operation_id="changes_list",
        summary="Every publish, update, correction and withdrawal, in order",
        description="Sync incrementally: keep `next_cursor` and ask again with `?since=` it. A "
        "withdrawal is a tombstone (`withdrawn: true`, `reason`): delete your copy. Without "
        "`since` (or with a cursor older than the oldest event kept) the feed starts with a "
        "snapshot of every live story and tombstone (`snapshot: true`), then goes on with the "
        "events from the moment the snapshot began, so nothing is lost.",
        parameters=[schema.SINCE, schema.PAGE_SIZE, schema.RETRY_AFTER],
        responses={200: ChangePageSerializer, **schema.BAD_REQUEST, **COMMON_ERRORS},
    )
)
class ChangeListView(PartnerAPIView):
    """The changes feed partners sync from: a snapshot when they start from scratch, then the
    change log oldest first, resumable with an opaque cursor (partners/selectors.py)."""

    query_parameters = frozenset({"since", "page_size"})

    def get(self, request):
        position = change_cursor_position(request.query_params.get("since"))
        size = page_size_from(request.query_params)
        page = partner_selectors.change_feed_page(position=position, limit=size)
        next_cursor = change_cursor(page.next_position)
        response = Response(
            {
                "results": ChangeSerializer(page.entries, many=True).data,
                "next_cursor": next_cursor,
                "next": page_link(request, since=next_cursor),
                "has_more": page.has_more,
            }
        )
        # Polled for news: always ask us (or the CDN) again rather than reuse a stale copy.
        response["Cache-Control"] = "no-cache"
        patch_vary_headers(response, ["Authorization"])
        return response


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/v1/: a problem document, not an HTML page."""

    authentication_classes = []
    permission_classes = []

    def get(self, request, path=""):
        hint = "see /api/docs/ for what there is"
        try:
            if resolve(request.path + "/").url_name != "not-found":
                hint = f"did you mean {request.path}/ (with the slash)?"
        except Resolver404:
            pass
        raise NotFound(f"There is nothing at {request.path}; {hint}")

    post = put = patch = delete = get
