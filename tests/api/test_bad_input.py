"""Malformed input is a 400 problem document that says what to fix, never an HTML 500: on SQLite
and PostgreSQL, through the story fast path and through DRF alone."""

import base64
import json

import pytest
from django.test import Client

from tests import factories
from tests.api.test_fast_path import both_ways

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"
CHANGES = "/api/v1/changes/"
ENTITIES = "/api/v1/entities/"


def cursor(*values) -> str:
    """A cursor as the API encodes them, holding whatever a partner (or an attacker) wrote."""
    raw = "[" + ",".join(values) + "]"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def assert_400(response, name: str):
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Bad Request"
    assert name in body["errors"], body
    assert name in body["detail"] and len(body["detail"]) > len(name) + 20
    return body


BAD = [
    # Unicode digits pass str.isdigit() but are no page size.
    (STORIES, {"page_size": "²"}, "page_size"),
    (STORIES, {"limit": "²"}, "limit"),
    (STORIES, {"page_size": "٣"}, "page_size"),  # Arabic-Indic three
    (STORIES, {"page_size": "３"}, "page_size"),  # fullwidth three
    (STORIES, {"page_size": "-1"}, "page_size"),
    (STORIES, {"page_size": "1" * 400}, "page_size"),
    (STORIES, {"page_size": " 5"}, "page_size"),
    (STORIES, {"page_size": "5\x00"}, "page_size"),
    (CHANGES, {"page_size": "¹"}, "page_size"),
    (ENTITIES, {"page_size": "²"}, "page_size"),
    # Cursors holding numbers no database column takes.
    (STORIES, {"cursor": cursor('"stories"', '"2026-01-01T00:00:00+00:00"', "1e400")}, "cursor"),
    (STORIES, {"cursor": cursor('"stories"', "1e400", "1")}, "cursor"),
    (STORIES, {"cursor": cursor('"stories"', '"2026-01-01T00:00:00+00:00"', "9" * 30)}, "cursor"),
    (
        STORIES,
        {"cursor": cursor('"stories"', '"2026-01-01T00:00:00+00:00"', "-9" + "9" * 30)},
        "cursor",
    ),
    (STORIES, {"cursor": cursor('"stories"', '"2026-01-01T00:00:00+00:00"', "NaN")}, "cursor"),
    (STORIES, {"cursor": cursor('"stories"', '"9999-12-31T23:59:59-14:00"', "1")}, "cursor"),
    (STORIES, {"cursor": cursor('"stories"', '"0001-01-01T00:00:00+14:00"', "1")}, "cursor"),
    (STORIES, {"cursor": cursor('"stories"', '"2026-01-01T00:00:00\\u0000"', "1")}, "cursor"),
    (STORIES, {"cursor": cursor('"stories"', "[]", "{}")}, "cursor"),
    (STORIES, {"cursor": "²"}, "cursor"),
    (STORIES, {"cursor": "x" * 5000}, "cursor"),
    (ENTITIES, {"cursor": cursor('"entities"', '"a\\u0000b"', "1")}, "cursor"),
    (ENTITIES, {"cursor": cursor('"entities"', '"a"', "1e400")}, "cursor"),
    (ENTITIES, {"cursor": cursor('"entities"', '"a"', "9" * 30)}, "cursor"),
    (CHANGES, {"since": cursor('"changes"', "1e400")}, "since"),
    (CHANGES, {"since": cursor('"changes"', "9" * 30)}, "since"),
    (CHANGES, {"since": cursor('"changes"', "-1")}, "since"),
    (CHANGES, {"since": "\x00"}, "since"),
    # Dates at the ends of the calendar: in UTC they fall outside it.
    (STORIES, {"published_after": "9999-12-31T23:59:59-14:00"}, "published_after"),
    (STORIES, {"published_before": "0001-01-01T00:00:00+14:00"}, "published_before"),
    (STORIES, {"updated_since": "9999-12-31T23:59:59-14:00"}, "updated_since"),
    (STORIES, {"updated_since": "0001-01-01T00:00:00+14:00"}, "updated_since"),
    (STORIES, {"updated_since": "2026-13-01T00:00:00Z"}, "updated_since"),
    (STORIES, {"published_after": "2026-01-01T00:00:00\x00"}, "published_after"),
    # NUL bytes, which PostgreSQL refuses in any text, and overlong values.
    (STORIES, {"template": "explainer\x00"}, "template"),
    (STORIES, {"entity": "\x00"}, "entity"),
    (STORIES, {"outlet": "a\x00.com"}, "outlet"),
    (STORIES, {"q": "missile\x00"}, "q"),
    (STORIES, {"q": "missile " * 2000}, "q"),
    (STORIES, {"template": "x" * 5000}, "template"),
    (STORIES, {"entity": "x" * 5000}, "entity"),
]


@pytest.mark.parametrize(("path", "params", "name"), BAD, ids=[repr(b[1])[:60] for b in BAD])
def test_malformed_parameters_are_400_problems_on_both_paths(
    api, journalist, settings, path, params, name
):
    factories.story(by=journalist, published=True, entities=1, citations=1)
    fast, drf = both_ways(settings, lambda: api.get(path, params))
    assert_400(fast, name)
    assert_400(drf, name)
    assert fast.content == drf.content


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key \x00",
        "Api-Key abc\x00.def",
        "Api-Key ²²²²²²²².³³³³",
        "Api-Key " + "x" * 5000 + "." + "y" * 5000,
        "Api-Key .",
        "Api-Key ...",
    ],
    ids=["nul", "nul-in-prefix", "unicode-digits", "overlong", "dot", "dots"],
)
def test_malformed_keys_are_401_problems_on_both_paths(client, journalist, settings, header):
    story = factories.story(by=journalist, published=True)
    for url in (f"{STORIES}{story.slug}/", STORIES):
        fast, drf = both_ways(settings, lambda url=url: client.get(url, HTTP_AUTHORIZATION=header))
        for response in (fast, drf):
            assert response.status_code == 401, response.content[:300]
            assert response["Content-Type"] == "application/problem+json"
        assert fast.content == drf.content


def test_a_well_formed_request_still_works(api, journalist):
    story = factories.story(by=journalist, published=True)
    body = json.loads(api.get(STORIES, {"page_size": "5", "limit": "5"}).content)
    assert [s["slug"] for s in body["results"]] == [story.slug]
    assert Client().get(STORIES).status_code == 401
