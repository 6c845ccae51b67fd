import datetime as dt

import pytest
from django.utils import timezone

from stories.checks import entities_stale, story_findings
from stories.models import Entity, FAQItem, StoryEntity
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def linked_story(*entities):
    story = factories.story(citations=2)
    for order, entity in enumerate(entities):
        StoryEntity.objects.create(story=story, entity=entity, order=order)
    return story


def stale(story):
    return {f.target: f for f in story_findings(story) if f.code == "entity-stale"}


def test_cards_never_reviewed_or_reviewed_too_long_ago_are_flagged():
    never = factories.EntityFactory(name="Ines Varga", reviewed_at=None)
    old = factories.EntityFactory(name="Blue Strait Lines", reviewed_at=days_ago(181))
    fresh = factories.EntityFactory(name="Portmere", reviewed_at=days_ago(30))
    found = stale(linked_story(never, old, fresh))
    assert set(found) == {f"entity:{never.pk}", f"entity:{old.pk}"}
    assert "has never been reviewed" in found[f"entity:{never.pk}"].message
    assert "more than 180 days ago" in found[f"entity:{old.pk}"].message


def test_the_review_period_comes_from_the_setting(settings):
    settings.NEWSDESK_ENTITY_REVIEW_DAYS = 20
    entity = factories.EntityFactory(reviewed_at=days_ago(30))
    assert f"entity:{entity.pk}" in stale(linked_story(entity))
    assert list(entities_stale()) == [entity]
    settings.NEWSDESK_ENTITY_REVIEW_DAYS = 60
    assert stale(linked_story(entity)) == {}
    assert list(entities_stale()) == []


def suggestions(story):
    return {f.subject: f for f in story_findings(story) if f.code == "entity-not-linked"}


def test_known_entities_mentioned_but_not_linked_are_suggested_by_name_or_alias():
    varga = Entity.objects.create(name="Ines Varga", slug="ines-varga", kind="person")
    union = Entity.objects.create(
        name="Portmere Ferry Workers' Union", slug="pfwu", aliases="PFWU\nferry union"
    )
    linked = Entity.objects.create(name="Blue Strait Lines", slug="bsl")
    story = linked_story(linked)
    section = story.sections.get(key="whats-happened")
    section.body = "Ines Varga leads the PFWU. Blue Strait Lines runs the boats."
    section.save()
    FAQItem.objects.create(story=story, question="What does the ferry union want?", answer="Pay.")
    found = suggestions(story)
    assert set(found) == {str(varga.pk), str(union.pk)}
    assert found[str(union.pk)].target == f"entity:{union.pk}"
    assert "“Portmere Ferry Workers' Union” is mentioned in “What's happened”, FAQ item 1" in (
        found[str(union.pk)].message
    )


def test_case_matters_where_it_makes_a_name():
    Entity.objects.create(name="United States", slug="us", aliases="US")
    Entity.objects.create(name="Apple", slug="apple", kind="organisation")
    story = linked_story()
    section = story.sections.get(key="whats-happened")
    section.body = "Tell us about the apple harvest in the united states of mind."
    section.save()
    assert suggestions(story) == {}
    section.body = "The US bought Apple shares."
    section.save()
    assert len(suggestions(story)) == 2


def test_cards_never_reviewed_are_one_item_per_story_naming_them_all():
    cards = [factories.EntityFactory(name=f"Card {n}", reviewed_at=None) for n in range(3)]
    old = factories.EntityFactory(name="Blue Strait Lines", reviewed_at=days_ago(181))
    found = stale(linked_story(*cards, old))
    assert set(found) == {"entities", f"entity:{old.pk}"}
    assert found["entities"].message.startswith("3 entity cards have never been reviewed")
    assert all(f"“Card {n}”" in found["entities"].message for n in range(3))
