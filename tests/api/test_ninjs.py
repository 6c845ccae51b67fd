"""IPTC ninjs 3.1 at /api/v1/stories/<slug>/ninjs, validated against the IPTC's own schema with
format checking on (date-time and uri), as a partner's validator would."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from stories import visibility
from stories.models import Correction, Story, StoryEntity
from tests import factories
from tests.api import newsroom

pytestmark = pytest.mark.django_db

# CI and every developer machine have shared/ beside the clone.
SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "ninjs"
GEOJSON_ID = "https://geojson.org/schema/GeoJSON.json"


@pytest.fixture(scope="module")
def ninjs_validator():
    schema_file = SCHEMAS / "ninjs-schema_3.1.json"
    if not schema_file.exists():
        pytest.fail(
            f"The IPTC ninjs 3.1 schema is missing: expected {schema_file} (shared/ must sit "
            "beside the repository). Without it ninjs output cannot be validated.",
            pytrace=False,
        )
    schema = json.loads(schema_file.read_text())
    geojson = json.loads((SCHEMAS / "GeoJSON-schema.json").read_text())
    registry = Registry().with_resource(GEOJSON_ID, Resource.from_contents(geojson))
    checker = Draft202012Validator.FORMAT_CHECKER
    # Without rfc3339-validator and rfc3986-validator jsonschema silently skips these formats.
    assert {"date-time", "uri"} <= set(checker.checkers), "format checkers are not installed"
    return Draft202012Validator(schema, registry=registry, format_checker=checker)


def assert_valid(validator, document):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_validator_really_checks_formats(ninjs_validator):
    assert not ninjs_validator.is_valid({"uri": "not a uri"})
    assert not ninjs_validator.is_valid({"uri": "http://x.example/a", "versionCreated": "Nov 8"})
    assert not ninjs_validator.is_valid({"uri": "http://x.example/a", "ourOwnField": 1})
    assert ninjs_validator.is_valid({"uri": "http://x.example/a"})


def test_every_demo_story_is_valid_ninjs(api, demo, ninjs_validator):
    published = [s for s in demo.values() if visibility.story_is_visible(s)]
    assert len(published) == 2
    for story in published:
        response = api.get(f"/api/v1/stories/{story.slug}/ninjs")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert_valid(ninjs_validator, response.json())


def test_demo_explainer_mapping(api, demo):
    slug = "north-korea-fires-missile-as-allies-drill"
    doc = api.get(f"/api/v1/stories/{slug}/ninjs").json()
    story = Story.objects.get(slug=slug)
    assert doc["uri"] == f"http://127.0.0.1:8000/stories/{slug}/"
    assert doc["version"] == str(story.version)
    assert doc["versionCreated"] == story.updated_at.isoformat().replace("+00:00", "Z")
    assert doc["firstCreated"] == "2025-11-08T09:30:00Z"
    assert doc["pubStatus"] == "usable"
    assert doc["headlines"][0]["value"] == story.headline
    assert doc["standard"]["version"] == "3.1"
    assert '<section id="whats-happened"><h2>What&#x27;s happened</h2>' in doc["bodies"][0]["value"]
    assert doc["bodies"][0]["wordCount"] > 50
    people = {p["literal"]: p for p in doc.get("people", [])}
    places = {p["literal"]: p for p in doc.get("places", [])}
    organisations = {o["literal"]: o for o in doc.get("organisations", [])}
    assert people and places
    for link in StoryEntity.objects.filter(story=story).select_related("entity"):
        group = {"person": people, "country": places, "organisation": organisations}[
            link.entity.kind
        ]
        assert group[link.entity.slug]["rel"] == link.role
        assert group[link.entity.slug]["name"] == link.entity.name
    citations = [a for a in doc["associations"] if a["rel"] == "citation"]
    assert len(citations) == story.citations.count()
    assert any(a["name"].startswith("Al Jazeera") for a in citations)
    assert all(a["descriptions"][0]["role"] == "claim" for a in citations)
    summary = next(d for d in doc["descriptions"] if d["role"] == "summary")
    assert summary["value"] == story.summary


def test_corrections_embargo_and_citation_links(api, journalist, ninjs_validator):
    story = factories.story(by=journalist, published=True, citations=2, entities=1)
    citation = story.citations.first()
    citation.url = "https://news.example/ärger?a=1"
    citation.title = "Minister resigns"
    citation.save()
    Correction.objects.create(story=story, text="The minister's name was misspelt.")
    past = story.published_at
    Story.objects.filter(pk=story.pk).update(embargo_until=past)
    doc = api.get(f"/api/v1/stories/{story.slug}/ninjs").json()
    assert_valid(ninjs_validator, doc)
    correction = next(d for d in doc["descriptions"] if d["role"] == "correction")
    assert correction["value"].endswith("The minister's name was misspelt.")
    assert doc["embargoedUntil"] == past.isoformat().replace("+00:00", "Z")
    linked = next(a for a in doc["associations"] if a["name"].endswith("Minister resigns"))
    assert linked["uri"] == "https://news.example/%C3%A4rger?a=1"
    assert linked["renditions"][0]["href"] == linked["uri"]
    unlinked = next(a for a in doc["associations"] if a is not linked)
    assert unlinked["uri"].startswith(f"http://127.0.0.1:8000/stories/{story.slug}/#citation-")


def test_withdrawn_story_is_a_valid_canceled_ninjs_with_410(api, journalist, ninjs_validator):
    story = newsroom.publish(factories.story(by=journalist, citations=2, faq=1, entities=2))
    newsroom.withdraw(story, "A court order.")
    response = api.get(f"/api/v1/stories/{story.slug}/ninjs")
    assert response.status_code == 410
    doc = response.json()
    assert_valid(ninjs_validator, doc)
    assert doc["pubStatus"] == "canceled"
    assert doc["uri"] == f"http://127.0.0.1:8000/stories/{story.slug}/"
    assert doc["descriptions"] == [{"role": "withdrawal", "value": "A court order."}]
    assert "bodies" not in doc and "associations" not in doc and "headlines" not in doc


def test_drafts_and_embargoed_have_no_ninjs(api, journalist):
    draft = factories.story(by=journalist)
    embargoed = newsroom.publish(
        factories.story(by=journalist), embargo_until=newsroom.in_an_hour()
    )
    for story in (draft, embargoed):
        assert api.get(f"/api/v1/stories/{story.slug}/ninjs").status_code == 404
