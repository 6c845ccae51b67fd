import pytest

from stories.models import Story, StoryStatus
from tests import factories


@pytest.fixture
def desk(db):
    """A complete draft by a journalist, an editor, and a colleague who may read it."""
    author = factories.journalist(username="jo", email="jo@newsdesk.invalid", first_name="Jo")
    editor = factories.editor(username="eddie", email="eddie@newsdesk.invalid")
    colleague = factories.journalist(username="kim", email="kim@newsdesk.invalid")
    outsider = factories.UserFactory(username="guest", is_staff=False, email="g@newsdesk.invalid")
    story = factories.story(by=author, citations=2, faq=1)
    return {
        "author": author,
        "editor": editor,
        "colleague": colleague,
        "outsider": outsider,
        "story": Story.objects.get(pk=story.pk),
    }


def move(story, status, **fields):
    Story.objects.filter(pk=story.pk).update(status=status, **fields)
    return Story.objects.get(pk=story.pk)


def in_review(story):
    return move(story, StoryStatus.IN_REVIEW)
