"""Keyset pagination and the opaque cursors of the partner API.

A page starts after the last row of the previous one, compared on the whole ordering key
(e.g. `published_at` then `id`), never on an offset: a partner walking the list while stories
are published, or while many stories share one timestamp, sees each story exactly once.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from partners.selectors import ChangePosition
from stories.api.problems import InvalidCursor

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
LIMIT_PARAM = "limit"  # what many APIs call it; accepted on the story list
# The range of the database's bigint columns (ids, sequence numbers): a cursor holding a number
# outside it is damaged, not a query for PostgreSQL (or SQLite's driver) to fail on.
BIGINT_MAX = 2**63 - 1


def _encode(kind: str, values: list) -> str:
    raw = json.dumps([kind, *values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_raw(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _decode(kind: str, cursor: str, length: int, param: str) -> list:
    data = _decode_raw(cursor)
    if not isinstance(data, list) or len(data) != length + 1 or data[0] != kind:
        raise InvalidCursor(
            {param: ["Not a cursor this API handed out; use the value from the last response."]}
        )
    return data[1:]


def page_size_from(query_params) -> int:
    """The `page_size` (or `limit`) asked for, refused (not silently clamped) when out of
    range or when the two disagree."""
    param = PAGE_SIZE_PARAM if PAGE_SIZE_PARAM in query_params else LIMIT_PARAM
    value = query_params.get(param)
    if value is None:
        return settings.NEWSDESK_API_PAGE_SIZE
    top = settings.NEWSDESK_API_MAX_PAGE_SIZE
    # ASCII digits only: "²" and "３" pass `isdigit()` but `int()` refuses them.
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or not 1 <= int(value) <= top:
        raise ValidationError({param: [f"Must be a whole number from 1 to {top}."]})
    other = query_params.get(LIMIT_PARAM)
    if param == PAGE_SIZE_PARAM and other is not None and other != value:
        raise ValidationError({LIMIT_PARAM: ["Differs from page_size; send one of the two."]})
    return int(value)


def page_link(request, **params) -> str:
    """This request's absolute URL (on NEWSDESK_SITE_URL) with some parameters replaced."""
    query = request.query_params.copy()
    for key, value in params.items():
        query[key] = value
    encoded = urlencode(sorted(query.lists()), doseq=True)
    return f"{settings.NEWSDESK_SITE_URL}{request.path}" + (f"?{encoded}" if encoded else "")


DAMAGED = "This cursor is damaged; use the value from the last response, or start without one."


def _storable(value) -> bool:
    """Whether a cursor's value can be compared in SQL on every database: no NUL in text, ints
    within bigint, no inf or NaN, and datetimes that stay within the calendar in UTC (SQLite
    stores them converted; 9999-12-31T23:59:59-14:00 is in the year 10000 there)."""
    if value is None:
        return False
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -BIGINT_MAX <= value <= BIGINT_MAX
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    if isinstance(value, dt.datetime):
        return in_calendar(value)
    return True


def in_calendar(moment: dt.datetime) -> bool:
    """Whether the moment, in UTC, is still between the years 1 and 9999."""
    try:
        moment.astimezone(dt.UTC) if moment.tzinfo else moment
    except OverflowError:
        return False
    return True


@dataclass
class Page:
    items: list
    next_url: str | None


class KeysetPaginator:
    """Pages a queryset on an ordering key such as `("-published_at", "-id")`; the key must end
    with a unique field so rows with equal leading values still have a strict order."""

    def __init__(self, ordering: tuple[str, ...], *, kind: str):
        self.ordering = ordering
        self.kind = kind

    def _fields(self):
        return [(name.lstrip("-"), name.startswith("-")) for name in self.ordering]

    def _after(self, queryset: QuerySet, values: list) -> QuerySet:
        model = queryset.model
        fields = self._fields()
        try:
            parsed = [
                model._meta.get_field(name).to_python(value)
                for (name, _), value in zip(fields, values, strict=True)
            ]
        except (DjangoValidationError, TypeError, ValueError, OverflowError) as exc:
            raise InvalidCursor({CURSOR_PARAM: [DAMAGED]}) from exc
        if not all(_storable(value) for value in [*values, *parsed]):
            raise InvalidCursor({CURSOR_PARAM: [DAMAGED]})
        condition = Q()
        for i, (name, descending) in enumerate(fields):
            step = Q(**{f"{name}__{'lt' if descending else 'gt'}": parsed[i]})
            for j in range(i):
                step &= Q(**{fields[j][0]: parsed[j]})
            condition |= step
        return queryset.filter(condition)

    def _position(self, row) -> list:
        values = []
        for name, _ in self._fields():
            value = getattr(row, name)
            values.append(value.isoformat() if hasattr(value, "isoformat") else value)
        return values

    def paginate(self, queryset: QuerySet, request) -> Page:
        size = page_size_from(request.query_params)
        cursor = request.query_params.get(CURSOR_PARAM)
        if cursor:
            queryset = self._after(
                queryset, _decode(self.kind, cursor, len(self.ordering), CURSOR_PARAM)
            )
        rows = list(queryset.order_by(*self.ordering)[: size + 1])
        items, more = rows[:size], len(rows) > size
        next_url = None
        if more:
            next_url = page_link(
                request, **{CURSOR_PARAM: _encode(self.kind, self._position(items[-1]))}
            )
        return Page(items=items, next_url=next_url)


def change_cursor(position: ChangePosition) -> str:
    """The opaque cursor of a position in the changes feed: after an event of the log, or
    after a story of the snapshot."""
    if position.snapshot_after is None:
        return _encode("changes", [position.sequence])
    return _encode("snapshot", [position.sequence, position.snapshot_after])


def change_cursor_position(cursor: str | None, *, param: str = "since") -> ChangePosition:
    """The position a `since` cursor stands for; the start (a snapshot first) when none."""
    if not cursor:
        return ChangePosition(0)
    data = _decode_raw(cursor)
    kind = data[0] if isinstance(data, list) and data else None
    if kind == "snapshot":
        horizon, after = _decode("snapshot", cursor, 2, param)
        if not (_sequence_like(horizon) and _sequence_like(after)):
            raise InvalidCursor({param: [DAMAGED]})
        return ChangePosition(horizon, snapshot_after=after)
    (sequence,) = _decode("changes", cursor, 1, param)
    if not _sequence_like(sequence):
        raise InvalidCursor({param: [DAMAGED]})
    return ChangePosition(sequence)


def _sequence_like(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= BIGINT_MAX
