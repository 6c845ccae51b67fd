"""The admin's import page with text the database cannot take as it is: a headline over the
limit is refused on the page, NUL bytes and control characters are removed with a note."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stories.models import Story

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/desk/import/"
LONG_FIRST_LINE = "# " + "A" * 10_000 + "\n\n## What happened\n\nCrews stopped work at dawn.\n"
WITH_NUL = "# Ferry\x07 crews walk out\n\n## What happened\n\nCrews\x00 stopped work at dawn.\n"


@pytest.fixture
def desk(client, superuser):
    client.force_login(superuser)
    return client


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("story.md", text.encode("utf-8"), "text/markdown")


@pytest.mark.parametrize("action", ["preview", "save"])
def test_a_first_line_too_long_for_a_headline_is_refused_on_the_page(desk, action):
    response = desk.post(
        IMPORT_URL,
        {"template": "explainer", "text": "", "file": upload(LONG_FIRST_LINE), "action": action},
    )
    assert response.status_code == 200
    assert (
        "The first line (the headline) is 10,000 characters; headlines are at most 300: put the "
        "headline on its own first line." in response.content.decode()
    )
    assert Story.objects.count() == 0


def test_nul_bytes_are_removed_with_a_note_and_the_story_saves(desk):
    preview = desk.post(
        IMPORT_URL,
        {"template": "explainer", "text": "", "file": upload(WITH_NUL), "action": "preview"},
    ).content.decode()
    assert "Removed from the text: U+0007 (BEL, a control character), U+0000 (NUL" in preview
    assert "\x00" not in preview and "\x07" not in preview  # the text box holds the cleaned text
    assert Story.objects.count() == 0

    response = desk.post(
        IMPORT_URL,
        {"template": "explainer", "text": "", "file": upload(WITH_NUL), "action": "save"},
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.headline == "Ferry crews walk out"
    assert story.sections.get(key="whats-happened").body == "Crews stopped work at dawn."


@pytest.mark.postgres
def test_the_import_page_on_postgresql_answers_instead_of_failing(desk):
    for text in (LONG_FIRST_LINE, WITH_NUL):
        response = desk.post(
            IMPORT_URL,
            {"template": "explainer", "text": "", "file": upload(text), "action": "save"},
        )
        assert response.status_code in (200, 302)
    assert Story.objects.count() == 1
