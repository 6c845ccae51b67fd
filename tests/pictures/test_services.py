"""The picture library's services: upload, dedupe, renditions from the focal point, rights
changes counted on every story using the picture, and the takedown of expired pictures."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from reversion.models import Version

from partners.models import ChangeEvent
from pictures import services
from pictures.crops import CROPS, crop_box, image_plan
from pictures.models import Image, Placement, Rendition
from stories.models import Story
from tests import factories
from tests.pictures.conftest import picture_bytes, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(upload, django_capture_on_commit_callbacks, eager_tasks):
    """Upload and let the rendition task run, as `make run` does after the commit."""

    def make(data=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            image = upload(data, **fields)
        image.refresh_from_db()
        return image

    return make


def test_uploading_the_same_file_twice_finds_the_existing_picture(editor):
    data = picture_bytes(seed=5)
    first, created = services.image_upload(data=data, by=editor, credit="A")
    again, created_again = services.image_upload(data=data, by=editor, credit="B")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.credit == "A"
    assert Image.objects.count() == 1


def test_renditions_are_computed_after_upload_for_every_crop_width_and_format(rendered):
    image = rendered(picture_bytes((2400, 1600)))
    assert image.renditions_revision == image.crop_revision == 1
    plan = image_plan(image)
    stored = set(Rendition.objects.values_list("crop", "width", "format"))
    assert stored == {(p.crop, p.width, p.format) for p in plan}
    assert {p.format for p in plan} == {"webp", "jpeg"}
    assert {p.crop for p in plan} == set(CROPS)
    assert {p.width for p in plan if p.crop == "16x9"} == {320, 640, 960, 1200, 1600}
    for planned in plan:
        with default_storage.open(planned.name, "rb") as f:
            assert PILImage.open(f).size == (planned.width, planned.height)


def test_rendering_again_encodes_nothing_twice(rendered):
    image = rendered()
    count = Rendition.objects.count()
    services.image_render(image_id=image.pk)
    assert Rendition.objects.count() == count


def test_a_small_picture_is_never_upscaled(rendered):
    rendered(picture_bytes((500, 400)))
    assert max(Rendition.objects.values_list("width", flat=True)) == 500


def _red_seen(name: str) -> bool:
    with default_storage.open(name, "rb") as f:
        picture = PILImage.open(io.BytesIO(f.read())).convert("RGB")
    return any(r > 200 and g < 60 and b < 60 for r, g, b in picture.get_flattened_data())


@pytest.mark.parametrize("face", [(0.95, 0.5), (0.03, 0.1), (0.5, 0.97)])
def test_a_face_at_the_edge_stays_in_every_crop(rendered, face):
    image = rendered(picture_bytes((3000, 1000) if face[1] == 0.5 else (1200, 2400), face_at=face))
    services.image_update(image=image, by=None, fields={"focal_x": face[0], "focal_y": face[1]})
    services.image_render(image_id=image.pk)
    image.refresh_from_db()
    for planned in image_plan(image):
        if planned.format == "jpeg" and planned.width >= 320:
            assert _red_seen(planned.name), planned.name


def test_the_crop_is_centred_on_the_focal_point_within_the_picture():
    assert crop_box(1600, 900, (1, 1), (0.5, 0.5)) == crop_box(1600, 900, (1, 1), (0.5, 0.1))
    box = crop_box(1600, 900, (1, 1), (0.9, 0.5))
    assert (box.right, box.width, box.height) == (1600, 900, 900)
    box = crop_box(1000, 3000, (16, 9), (0.5, 0.0))
    assert (box.top, box.width, box.height) == (0, 1000, 562)


def test_moving_the_focal_point_makes_new_crops_under_new_names(
    rendered, journalist, editor, django_capture_on_commit_callbacks
):
    image = rendered(picture_bytes((2000, 1200)))
    story = factories.story(by=journalist, published=True)
    place(story, image, by=editor)
    old_names = [p.name for p in image_plan(image)]
    rendition_before = Story.objects.get(pk=story.pk).rendition
    with django_capture_on_commit_callbacks(execute=True):
        services.image_update(image=image, by=editor, fields={"focal_x": 0.1})
    image.refresh_from_db()
    assert (image.crop_revision, image.renditions_revision) == (2, 2)
    assert set(Rendition.objects.values_list("crop_revision", flat=True)) == {2}
    assert not any(default_storage.exists(name) for name in old_names)
    assert Story.objects.get(pk=story.pk).rendition == rendition_before + 1


def test_placing_a_picture_counts_as_a_story_change(upload, journalist, editor):
    story = factories.story(by=journalist, published=True)
    versions = Version.objects.get_for_object(story).count()
    place(story, upload(), by=editor)
    story.refresh_from_db()
    assert story.version == 2
    assert Version.objects.get_for_object(story).count() == versions + 1
    assert ChangeEvent.objects.filter(story=story, kind="updated", version=2).exists()


def test_changing_a_credit_bumps_every_story_using_the_picture(upload, journalist, editor):
    image = upload()
    stories = [factories.story(by=journalist, published=True) for _ in range(2)]
    for story in stories:
        place(story, image, by=editor)
    unrelated = factories.story(by=journalist, published=True)
    services.image_update(image=image, by=editor, fields={"credit": "John Roe / Agency"})
    for story in stories:
        story.refresh_from_db()
        assert story.version == 3
        assert ChangeEvent.objects.filter(story=story, version=3).exists()
        latest = Version.objects.get_for_object(story).first().revision.comment
        assert "credit changed" in latest
    unrelated.refresh_from_db()
    assert unrelated.version == 1


def test_changing_nothing_bumps_nothing(upload, journalist, editor):
    image = upload()
    story = factories.story(by=journalist, published=True)
    place(story, image, by=editor)
    services.image_update(image=image, by=editor, fields={"credit": image.credit})
    assert Story.objects.get(pk=story.pk).version == 2


def test_journalists_may_not_delete_library_pictures(upload, journalist):
    with pytest.raises(PermissionDenied):
        services.image_delete(image=upload(), by=journalist)


def test_a_picture_in_use_cannot_be_deleted(upload, journalist, editor):
    image = upload()
    place(factories.story(by=journalist), image, by=editor)
    with pytest.raises(services.PictureRefused):
        services.image_delete(image=image, by=editor)
    assert Image.objects.filter(pk=image.pk).exists()


# --- Rights expiry -----------------------------------------------------------------------------


def test_expired_agency_pictures_are_taken_down_from_every_story_and_the_desk_told(
    upload, journalist, editor, django_capture_on_commit_callbacks, eager_tasks
):
    editor.email = "desk@example.org"
    editor.save()
    today = dt.date(2026, 6, 10)
    expired = upload(licence="agency", rights_expire_on=today - dt.timedelta(days=1))
    current = upload(picture_bytes(seed=7), licence="handout", rights_expire_on=today)
    ours = upload(picture_bytes(seed=8), licence="staff", rights_expire_on=dt.date(2020, 1, 1))
    story = factories.story(by=journalist, published=True)
    place(story, expired, by=editor)
    for image in (current, ours):
        place(story, image, by=editor, role="section", section=story.sections.first())
    version = Story.objects.get(pk=story.pk).version
    with django_capture_on_commit_callbacks(execute=True):
        taken = services.images_take_down_expired(today=today)
    assert [image.pk for image in taken] == [expired.pk]
    story.refresh_from_db()
    assert story.version == version + 1
    assert ChangeEvent.objects.filter(story=story, version=story.version).exists()
    assert Placement.objects.filter(image=expired).exists()  # kept for the desk and history
    assert len(mail.outbox) == 1 and "taken down" in mail.outbox[0].subject
    assert story.headline in mail.outbox[0].body
    # Once is enough.
    assert services.images_take_down_expired(today=today) == []
