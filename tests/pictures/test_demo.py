"""The demo explainer has its pictures: a lead illustration and one in a section."""

import pytest
from django.core.management import call_command

from pictures.models import Image, Placement
from stories.checks import story_findings
from stories.models import Story

pytestmark = pytest.mark.django_db

EXPLAINER = "north-korea-fires-missile-as-allies-drill"


def test_the_demo_explainer_shows_its_lead_picture_with_credit(
    client, django_capture_on_commit_callbacks, eager_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    story = Story.objects.get(slug=EXPLAINER)
    roles = sorted(Placement.objects.filter(story=story).values_list("role", flat=True))
    assert roles == ["lead", "section"]
    assert all(image.renditions_revision == 1 for image in Image.objects.all())
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'class="picture lead-picture"' in page
    assert "Illustration: Newsdesk demo (generated)" in page
    assert "16x9-960.jpg" in page
    assert not [f for f in story_findings(story) if f.code.startswith("picture-")]


def test_seeding_again_adds_no_second_copy_of_a_picture():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Image.objects.count() == 2
