"""The checklist's one-click "Link" button, driven in Debian's Chromium."""

import os
from pathlib import Path

import pytest
from django.db import connections

from stories.models import Entity, StoryEntity
from tests import factories

# serialized_rollback: the flush after a transactional test empties the built-in templates too.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; our ORM calls here are plain sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        reason = f"needs Debian's chromium at {CHROMIUM}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{reason} (CI=true: the browser test must run)", pytrace=False)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(10_000)
        try:
            yield page
        finally:
            browser.close()
            # ORM calls made while Playwright runs get connections of their own (Django keeps
            # them per async context): close them, or the test database cannot be dropped.
            connections.close_all()


def test_link_button_links_the_suggested_entity_and_enter_in_a_field_does_not(page, live_server):
    factories.UserFactory(username="chief", is_staff=True, is_superuser=True)
    varga = Entity.objects.create(name="Ines Varga", slug="ines-varga", kind="person")
    story = factories.story(citations=2, summary="Crews walk out.")
    section = story.sections.get(key="whats-happened")
    section.body = "Ines Varga leads the crews."
    section.save()

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    button = page.locator(f"#checklist button[data-entity='{varga.pk}']")
    assert button.is_visible()

    page.fill("#id_headline", "Crews walk out at dawn")
    with page.expect_navigation():
        page.press("#id_headline", "Enter")  # submits the story form, never the Link button
    assert not StoryEntity.objects.filter(story=story, entity=varga).exists()

    page.goto(f"{live_server.url}/admin/stories/story/{story.pk}/change/")
    page.wait_for_load_state("load")
    page.fill("#id_summary", "An unsaved edit.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    button.click()  # unsaved edits: the browser asks first, and "Cancel" keeps the page
    assert dialogs == ["Link the entity now? Unsaved changes on this page will be lost."]
    assert not StoryEntity.objects.filter(story=story, entity=varga).exists()

    page.reload()
    page.wait_for_load_state("load")
    page.locator(f"#checklist button[data-entity='{varga.pk}']").click()
    page.wait_for_selector("text=“Ines Varga” is now linked to this story.")
    assert StoryEntity.objects.filter(story=story, entity=varga).exists()
    assert page.locator(f"#checklist button[data-entity='{varga.pk}']").count() == 0
