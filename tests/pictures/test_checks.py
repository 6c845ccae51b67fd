"""The pictures check family (stories/checks/pictures.py): alt text blocks, rights warn."""

import datetime as dt

import pytest
from django.utils import timezone

from pictures import services
from stories import workflow
from stories.checks import ERROR, WARNING, story_findings
from stories.workflow import TransitionRefused
from tests import factories
from tests.pictures.conftest import picture_bytes, place

pytestmark = pytest.mark.django_db


def _findings(story, code):
    return [f for f in story_findings(story) if f.code == code]


def test_a_picture_without_alt_text_is_an_error_that_blocks_submitting(upload, journalist, editor):
    story = factories.story(by=journalist)
    placement = place(story, upload(), by=journalist, alt_text="")
    (finding,) = _findings(story, "picture-alt-text")
    assert finding.severity == ERROR and finding.target == f"picture:{placement.pk}"
    with pytest.raises(TransitionRefused, match="no alt text"):
        workflow.story_submit(story=story, by=journalist)


def test_a_picture_with_alt_text_passes(upload, journalist):
    story = factories.story(by=journalist)
    place(story, upload(), by=journalist)
    assert not _findings(story, "picture-alt-text")
    assert not _findings(story, "picture-rights")


@pytest.mark.parametrize(
    "fields, missing",
    [({"credit": ""}, "no credit"), ({"licence": ""}, "no licence"),
     ({"credit": "", "licence": ""}, "no credit and no licence")],
)  # fmt: skip
def test_a_picture_without_credit_or_licence_is_a_warning(upload, journalist, fields, missing):
    story = factories.story(by=journalist)
    place(story, upload(**fields), by=journalist)
    (finding,) = _findings(story, "picture-rights")
    assert finding.severity == WARNING and missing in finding.message


@pytest.mark.parametrize(
    "licence, days, warned",
    [("agency", 3, True), ("handout", 7, True), ("agency", 8, False), ("staff", 3, False)],
)
def test_rights_ending_within_a_week_are_a_warning(upload, journalist, licence, days, warned):
    today = timezone.localdate()
    image = upload(licence=licence, rights_expire_on=today + dt.timedelta(days=days))
    story = factories.story(by=journalist)
    place(story, image, by=journalist)
    findings = _findings(story, "picture-rights-expiring")
    assert bool(findings) == warned
    if warned:
        assert findings[0].severity == WARNING


def test_a_taken_down_picture_is_flagged_to_the_desk(upload, journalist, editor):
    image = upload(picture_bytes(seed=4), licence="agency", rights_expire_on=dt.date(2026, 1, 1))
    story = factories.story(by=journalist)
    place(story, image, by=journalist)
    services.images_take_down_expired(today=dt.date(2026, 1, 5))
    (finding,) = _findings(story, "picture-taken-down")
    assert finding.severity == WARNING and "2026-01-01" in finding.message
