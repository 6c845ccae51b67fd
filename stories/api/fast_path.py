"""The partner API's two hottest answers, given ahead of the middleware the API never uses.

A partner polling a story, or a CDN revalidating it, gets a cached 200 or a 304. Django's
session, authentication, messages and CSRF middleware do nothing for such a request (the API
has its own keys, no cookies, no forms) yet cost as much as the answer itself. This
middleware sits before them, after the security headers, X-Frame-Options and the replica
routing (which still apply), checks the Host header itself, and hands the request to the
story view's fast path (`StoryRepresentationView.fast_response`). Anything that path does not
answer goes on through the whole stack to DRF unchanged.
"""

import functools

from django.conf import settings
from django.urls import Resolver404, get_urlconf, resolve

from stories.api.views import StoryRepresentationView

API_PREFIX = "/api/"


class StoryFastPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if (
            request.method == "GET"
            and "HTTP_AUTHORIZATION" in meta
            and not meta.get("QUERY_STRING")
            and request.path_info.startswith(API_PREFIX)
            and settings.NEWSDESK_API_FAST_PATH
            and not settings.DISALLOWED_USER_AGENTS
        ):
            # As CommonMiddleware would, further down: a Host not in ALLOWED_HOSTS is a 400.
            request.get_host()
            response = self.fast_response(request)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def fast_response(request):
        found = _story_view(request.path_info, get_urlconf())
        if found is None:
            return None
        view, slug = found
        response = view.fast_response(request, slug)
        if response is not None:
            # What CommonMiddleware would have added on the way out.
            response["Content-Length"] = str(len(response.content))
        return response


@functools.lru_cache(maxsize=4096)
def _story_view(path: str, urlconf) -> tuple[type[StoryRepresentationView], str] | None:
    """The story view and slug `path` resolves to, if any: resolved once per path."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", None)
    if view is None or not issubclass(view, StoryRepresentationView):
        return None
    return view, match.kwargs["slug"]
