"""`rendition`: what stories show but do not own changes, and their caches must follow."""

import pytest

from sources import services as source_services
from stories.models import Story
from tests import factories

pytestmark = pytest.mark.django_db


def rendition(story):
    return Story.objects.values_list("rendition", flat=True).get(pk=story.pk)


def test_editing_an_entity_card_refreshes_every_story_that_shows_it(journalist):
    story = factories.story(by=journalist, entities=1)
    other = factories.story(by=journalist, entities=1)
    entity = story.entity_links.get().entity
    entity.description = "Updated card text."
    entity.save()
    assert (rendition(story), rendition(other)) == (1, 0)
    assert Story.objects.get(pk=story.pk).version == story.version


def test_editing_an_outlet_refreshes_the_stories_citing_it(journalist):
    story = factories.story(by=journalist, citations=1)
    outlet = story.citations.get().outlet
    outlet.name = "Renamed Outlet"
    outlet.save()
    assert rendition(story) == 1


def test_a_citation_link_state_change_refreshes_its_story(
    journalist, django_capture_on_commit_callbacks
):
    story = factories.story(by=journalist, citations=1)
    citation = story.citations.get()
    citation.url = "https://example.org/report"
    citation.save()
    source_services.citation_schedule_fetch(citation=citation)
    assert rendition(story) == 1
    source_services.citation_clear_link(citation=citation)
    assert rendition(story) == 2
