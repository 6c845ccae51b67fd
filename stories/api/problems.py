"""Errors as RFC 9457 problem details (`application/problem+json`): type, title, status, detail.

Partners get the same shape for every failure, with a `detail` that says what to fix, and
`errors` listing each bad parameter when the request itself was invalid.
"""

import math
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_CONTENT_TYPE = "application/problem+json"


class StoryWithdrawn(exceptions.APIException):
    """The story was published and then withdrawn: 410 Gone, with the newsroom's reason."""

    status_code = status.HTTP_410_GONE
    default_code = "withdrawn"

    def __init__(self, *, slug: str, reason: str, withdrawn_at, headers: dict | None = None):
        when = f" on {withdrawn_at:%Y-%m-%d}" if withdrawn_at else ""
        super().__init__(
            f"This story was withdrawn{when}: {reason}" if reason else f"Withdrawn{when}."
        )
        self.headers = headers or {}
        self.extra = {
            "slug": slug,
            "reason": reason,
            "withdrawn_at": withdrawn_at.isoformat().replace("+00:00", "Z")
            if withdrawn_at
            else None,
        }


class InvalidCursor(exceptions.ValidationError):
    """A cursor we did not hand out (or one damaged on the way)."""


def problem_response(
    *, status_code: int, detail: str, headers: dict | None = None, **extra
) -> Response:
    """A problem details response; `type` is about:blank, so `title` is the status phrase."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(errors, prefix="") -> dict[str, list[str]]:
    if isinstance(errors, dict):
        flat = {}
        for key, value in errors.items():
            flat.update(_flatten(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
        return flat
    if isinstance(errors, list) and all(not isinstance(e, list | dict) for e in errors):
        return {prefix or "request": [str(e) for e in errors]}
    if isinstance(errors, list):
        flat = {}
        for i, value in enumerate(errors):
            flat.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
        return flat
    return {prefix or "request": [str(errors)]}


def problem_exception_handler(exc, context):
    """DRF's exception handler, answering in problem details instead of `{"detail": …}`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    headers.update(getattr(exc, "headers", None) or {})
    extra = dict(getattr(exc, "extra", {}))
    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, math.ceil(exc.wait)) if exc.wait is not None else 60
        headers["Retry-After"] = str(seconds)
        detail = (
            f"Too many requests for your partner key: try again in {seconds} s. "
            "Ask the newsroom if you need a higher rate."
        )
    elif isinstance(exc.detail, dict | list):
        extra["errors"] = _flatten(exc.detail)
        detail = "Some of the request's parameters are not valid: " + "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in extra["errors"].items()
        )
    else:
        detail = str(exc.detail)
    set_rollback()
    return problem_response(status_code=exc.status_code, detail=detail, headers=headers, **extra)
