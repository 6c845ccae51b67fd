"""The picture library and the story page's pictures in the admin: every write through the
services, refusals shown on the form, nothing stored for them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pictures.models import Image, Placement
from stories.models import Story
from tests import factories
from tests.pictures.conftest import picture_bytes, place
from tests.stories.test_admin import _form_data, change_url

pytestmark = pytest.mark.django_db

ADD = "admin:pictures_image_add"


def _upload(client, data, name="harbour.jpg", **fields):
    return client.post(
        reverse(ADD),
        {"upload": SimpleUploadedFile(name, data), "credit": "Jane Doe / Agency", **fields},
    )


def test_uploading_in_the_admin_stores_the_picture_and_opens_it_for_the_focal_point(client, editor):
    client.force_login(editor)
    response = _upload(client, picture_bytes(seed=11), licence="staff", title="Harbour")
    image = Image.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:pictures_image_change", args=[image.pk])
    assert (image.title, image.credit, image.uploaded_by) == (
        "Harbour",
        "Jane Doe / Agency",
        editor,
    )
    page = client.get(response["Location"]).content.decode()
    assert 'class="focal-point"' in page and "focal_point.js" in page


def test_uploading_the_same_file_again_opens_the_existing_picture(client, editor):
    client.force_login(editor)
    data = picture_bytes(seed=12)
    _upload(client, data)
    response = _upload(client, data, name="copy.jpg")
    image = Image.objects.get()
    assert response["Location"] == reverse("admin:pictures_image_change", args=[image.pk])
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already in the library" in m for m in messages)


@pytest.mark.parametrize(
    "data, name, says",
    [
        (b"<svg onload='alert(1)'/>", "logo.svg", "SVG files are refused"),
        (b"just text", "notes.jpg", "not a picture we can read"),
    ],
)
def test_a_refused_upload_is_explained_on_the_form_and_stores_nothing(
    client, editor, media, data, name, says
):
    client.force_login(editor)
    response = _upload(client, data, name=name)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Image.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_the_focal_point_and_credit_change_through_the_service(client, upload, journalist, editor):
    image = upload()
    story = factories.story(by=journalist, published=True)
    place(story, image, by=editor)
    client.force_login(editor)
    url = reverse("admin:pictures_image_change", args=[image.pk])
    response = client.post(
        url,
        {"title": "", "credit": "New Credit", "copyright_notice": "", "licence": "staff",
         "licence_url": "", "usage_terms": "", "rights_expire_on": "", "source_url": "",
         "focal_x": "0.8", "focal_y": "0.25"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y, image.crop_revision) == (0.8, 0.25, 2)
    assert image.credit == "New Credit"
    assert Story.objects.get(pk=story.pk).version == 3


def test_a_focal_point_off_the_picture_is_refused_on_the_form(client, upload, editor):
    image = upload()
    client.force_login(editor)
    response = client.post(
        reverse("admin:pictures_image_change", args=[image.pk]),
        {"credit": "X", "licence": "staff", "focal_x": "1.4", "focal_y": "0.5"},
    )
    assert response.status_code == 200
    image.refresh_from_db()
    assert (image.focal_x, image.crop_revision) == (0.5, 1)


def test_placing_a_lead_picture_on_the_story_page_is_one_counted_change(client, upload, superuser):
    image = upload()
    story = factories.story(by=superuser)
    client.force_login(superuser)
    data = _form_data(client.get(change_url(story)))
    data.update(
        {
            "pictures-TOTAL_FORMS": "1",
            "pictures-0-image": str(image.pk),
            "pictures-0-role": "lead",
            "pictures-0-paragraph": "0",
            "pictures-0-order": "0",
            "pictures-0-alt_text": "Boats in the harbour",
            "pictures-0-caption": "At dawn.",
        }
    )
    response = client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    placement = Placement.objects.get()
    assert (placement.story_id, placement.alt_text) == (story.pk, "Boats in the harbour")
    story.refresh_from_db()
    assert story.version == 2
    page = client.get(change_url(story)).content.decode()
    assert "Boats in the harbour" in page


def test_a_picture_in_a_section_needs_its_section(client, upload, superuser):
    image = upload()
    story = factories.story(by=superuser)
    client.force_login(superuser)
    data = _form_data(client.get(change_url(story)))
    data.update(
        {
            "pictures-TOTAL_FORMS": "1",
            "pictures-0-image": str(image.pk),
            "pictures-0-role": "section",
            "pictures-0-paragraph": "1",
            "pictures-0-order": "0",
            "pictures-0-alt_text": "A crane",
        }
    )
    response = client.post(change_url(story), data)
    assert response.status_code == 200
    assert "Choose the text section" in response.content.decode()
    assert not Placement.objects.exists()
    assert Story.objects.get(pk=story.pk).version == 1


def test_the_library_lists_pictures_with_their_use(client, upload, journalist, editor):
    image = upload()
    place(factories.story(by=journalist), image, by=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:pictures_image_changelist")).content.decode()
    assert "Jane Doe / Agency" in page and 'class="picture-thumb"' in page


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(client, editor, settings):
    settings.NEWSDESK_PICTURE_MAX_BYTES = 10_000
    client.force_login(editor)
    response = _upload(client, picture_bytes((1600, 1200), seed=13) * 2)
    assert response.status_code == 200
    assert "pictures may be at most 0.01 MB" in response.content.decode()
    assert not Image.objects.exists()


def test_the_story_page_reads_pictures_in_the_same_queries_however_many(client, editor, upload):
    """Each picture's section menu is filled from one read of the sections, not one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests import factories
    from tests.pictures.conftest import place

    one, three = (factories.story(by=editor, citations=2) for _ in range(2))
    image = upload()
    place(one, image, by=editor)
    section = three.sections.get(key="whats-happened")
    place(three, image, by=editor)
    for n in range(2):
        place(three, upload(data=None, title=f"Second {n}"), by=editor, role="section",
              section=section, paragraph=n)  # fmt: skip
    client.force_login(editor)
    counts = []
    for story in (one, three):
        url = reverse("admin:stories_story_change", args=[story.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
